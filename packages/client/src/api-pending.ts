/**
 * HAND-WRITTEN stand-ins for the two routes the server's OpenAPI document does not describe yet:
 * `POST /api/consents/check` and `GET /api/purposes/:id/allowed` (DESIGN.md §12 "Downstream").
 * api.ts uses the generated types of a route instead as soon as `npm run generate` finds it.
 * Delete this file once both are generated (the allowed rows are JSON Lines, which OpenAPI may
 * not describe: keep `AllowedRow` here until it does).
 */

export interface CheckRequest {
  purposeId: string
  customerIds: string[]
}

export interface CheckResult {
  customerId: string
  /** The folded state; `unknown` when the customer never decided. */
  state: 'granted' | 'withdrawn' | 'unknown'
  /** What to act on: the default applies to `unknown`, and expiry or a voided grant withdraws. */
  effectiveState: 'granted' | 'withdrawn'
  conflicted: boolean
  noticeVersion?: string | null
  expiresAt?: string | null
}

export interface CheckResponse {
  purposeId: string
  /** The change marker the answer is current at; pass it as `since` to `allowed`. */
  asOf: string
  results: CheckResult[]
}

/** One line of `GET /api/purposes/:id/allowed?format=jsonl`. */
export interface AllowedRow {
  customerId: string
  /** With `since`, rows of customers no longer allowed come as `withdrawn`. */
  effectiveState?: 'granted' | 'withdrawn'
  state?: 'granted' | 'withdrawn' | 'unknown'
  noticeVersion?: string | null
  expiresAt?: string | null
  [field: string]: unknown
}
