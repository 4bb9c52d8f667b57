import type { ConsentStateRow, OutboxEvent, OutboxEventType } from './outbox'

/** A current-state row as both adapters' tables hold it (SQLite 0/1, PostgreSQL BIGINT as text). */
export interface ConsentStateDbRow {
  purpose_id: string
  customer_id: string
  state: string
  conflicted: boolean | number
  notice_version: string
  decided_at: string
  effective_state: string
  expires_at: string | null
  change_seq: number | string
}

export interface OutboxDbRow {
  seq: number | string
  id: string
  type: string
  customer_id: string | null
  purpose_id: string | null
  created_at: string
  /** JSON text in SQLite, parsed JSONB in PostgreSQL. */
  data: string | Record<string, unknown>
}

export const CONSENT_STATE_COLUMNS =
  'purpose_id, customer_id, state, conflicted, notice_version, decided_at, effective_state, expires_at, change_seq'

export const OUTBOX_COLUMNS = 'seq, id, type, customer_id, purpose_id, created_at, data'

export function toConsentState(r: ConsentStateDbRow): ConsentStateRow {
  return {
    customerId: r.customer_id,
    purposeId: r.purpose_id,
    state: r.state as ConsentStateRow['state'],
    conflicted: r.conflicted === true || r.conflicted === 1,
    noticeVersion: r.notice_version,
    decidedAt: r.decided_at,
    effectiveState: r.effective_state as ConsentStateRow['effectiveState'],
    expiresAt: r.expires_at,
    changeSeq: Number(r.change_seq),
  }
}

export function toOutboxEvent(r: OutboxDbRow): OutboxEvent {
  return {
    seq: Number(r.seq),
    id: r.id,
    type: r.type as OutboxEventType,
    customerId: r.customer_id,
    purposeId: r.purpose_id,
    createdAt: r.created_at,
    data: typeof r.data === 'string' ? (JSON.parse(r.data) as Record<string, unknown>) : r.data,
  }
}

/** A row in CONSENT_STATE_COLUMNS order, its marker given; `bool` is each dialect's boolean. */
export function consentStateValues<B>(
  row: Omit<ConsentStateRow, 'changeSeq'>,
  changeSeq: number,
  bool: (b: boolean) => B,
): unknown[] {
  return [
    row.purposeId,
    row.customerId,
    row.state,
    bool(row.conflicted),
    row.noticeVersion,
    row.decidedAt,
    row.effectiveState,
    row.expiresAt,
    changeSeq,
  ]
}

/** Checks that bound the page size of a stream: at least one row, at most this many. */
export const MAX_STATE_PAGE = 10_000

export function pageSizeOf(requested: number | undefined): number {
  const n = requested ?? 1000
  if (!Number.isInteger(n) || n < 1 || n > MAX_STATE_PAGE)
    throw new RangeError(`page size ${n}: 1..${MAX_STATE_PAGE}`)
  return n
}
