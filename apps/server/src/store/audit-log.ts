import type { AuditEntry, ChainHead } from '@consent-sync/consent-core'

export interface AuditFilter {
  customerId?: string
  purposeId?: string
  actorId?: string
  /** ISO 8601; entries received at or after. */
  from?: string
  /** ISO 8601; entries received before. */
  to?: string
  /** Opaque cursor from a previous page. */
  cursor?: string
  /** Page size. */
  limit: number
}

export interface AuditPage {
  /** Newest first. */
  entries: AuditEntry[]
  nextCursor: string | null
}

/** Thrown by `queryAudit` for a cursor the store did not issue: bad input, answered with HTTP 400. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError'
}

/**
 * The audit entries the document log stored with its updates (DESIGN.md §7): each customer's
 * hash chain, and every entry by filter for the audit API, exports and the live feed.
 */
export interface AuditLog {
  /** The head of the customer's chain (GENESIS when it has none). */
  chainHead(customerId: string): Promise<ChainHead>
  /** The customer's whole chain in seq order. */
  auditChain(customerId: string): Promise<AuditEntry[]>
  /**
   * The entries of one decision id, whoever's chain holds them (ids are chosen by devices, so two
   * customers' documents may share one), at most `limit`, by customer and seq. Index-backed.
   */
  decisionEntries(decisionId: string, limit: number): Promise<AuditEntry[]>
  queryAudit(filter: AuditFilter): Promise<AuditPage>
  /** Every matching entry, newest first, read in pages so memory stays flat. */
  streamAudit(filter: Omit<AuditFilter, 'cursor' | 'limit'>): AsyncIterable<AuditEntry>
}
