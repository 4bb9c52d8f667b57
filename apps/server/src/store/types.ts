import type { AuditEntry, ChainHead, UserRole } from '@consent-sync/consent-core'

/** Who sent an accepted update, and when the server received it. Stored with the update. */
export interface UpdateMeta {
  receivedAt: string
  connectionId: string
  userId: string
  userRole: UserRole
  /** SHA-256 hex of the raw update bytes. */
  hash: string
}

export interface StoredUpdate extends UpdateMeta {
  customerId: string
  /** 1, 2, 3… per customer, no gaps. */
  seq: number
  update: Uint8Array
}

/**
 * One accepted update with its audit entries, already chained by the accepting side
 * (consent-core `acceptUpdate`), to be made durable.
 */
export interface AppendRequest {
  customerId: string
  update: Uint8Array
  meta: UpdateMeta
  /** One entry per decision the update adds, the first chained onto the customer's stored head. */
  entries: AuditEntry[]
  /**
   * Optimistic concurrency between instances: append only if the customer's last update seq is
   * still this; otherwise nothing of this request is stored and its result says `behind`.
   */
  expectedSeq?: number
}

/** What an append made durable: the update's seq. */
export interface AppendResult {
  customerId: string
  /** The update's seq; when `behind`, the customer's current last seq. */
  seq: number
  /**
   * Not appended: the log had moved past the request's `expectedSeq`, or its entries do not
   * continue the stored chain (another instance wrote). Re-read, judge again, chain again.
   */
  behind?: true
}

/** A document as stored: the latest snapshot (if any), the updates after it, and its chain head. */
export interface StoredDocument {
  customerId: string
  snapshot: Uint8Array | null
  /** Seq of the last update folded into the snapshot; 0 without one. */
  snapshotSeq: number
  /** Updates with seq > snapshotSeq, in seq order. */
  tail: StoredUpdate[]
  /** The customer's audit chain head as of the last update of `tail`: what the next entries chain onto. */
  head: ChainHead
}

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

/** Thrown by `queryAudit` for a cursor the store did not issue: bad input, answered with HTTP 400. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError'
}

/** Why a store could not serve a call: it cannot be reached, the connection broke, or it did not answer in time. */
export type StoreUnavailableReason = 'connect' | 'lost' | 'timeout'

/**
 * Thrown by a store that cannot serve the call now: the database is unreachable, its connection
 * dropped, or it did not answer in time. Transient: the same call may succeed later. Whether a
 * write that failed this way was stored is unknown (a commit may have landed before the answer was
 * lost), so it is never acknowledged; a client resending it is safe (Yjs updates are idempotent).
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError'
  constructor(
    readonly reason: StoreUnavailableReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

export interface AuditPage {
  /** Newest first. */
  entries: AuditEntry[]
  nextCursor: string | null
}

export interface CustomerRecord {
  id: string
  name: string
  phone: string
}

export interface UserRecord {
  username: string
  /** The token's `sub`: the customer id for customers, the username for staff. */
  id: string
  role: UserRole
  name: string
  customerId?: string
  passwordHash: string
  /** Seeded by demo mode; production refuses to start while any exist. */
  demo: boolean
}

/**
 * Durable storage behind the sync server (DESIGN.md §8). Every adapter passes
 * `runStoreTests` (store/conformance.ts) unchanged.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres'
  /** Creates tables (idempotent). */
  migrate(): Promise<void>
  /** Throws when the store cannot be reached (readiness). */
  ping(): Promise<void>
  close(): Promise<void>

  /**
   * Makes every request durable in ONE transaction (group commit): each update appended to its
   * customer's log with the next seq, with its audit entries, which must continue that customer's
   * stored chain (else the request is `behind` and nothing of it is stored). All or nothing;
   * a broken request (not bytes, entries of another customer, entries that do not chain or hash)
   * throws. Results are in request order.
   */
  append(requests: readonly AppendRequest[]): Promise<AppendResult[]>
  loadDocument(customerId: string): Promise<StoredDocument>
  /** Every stored update of the customer with seq > afterSeq, including those folded into a snapshot. */
  updatesSince(customerId: string, afterSeq: number): Promise<StoredUpdate[]>
  /** Last update seq of the customer (0 when none). */
  updateSeq(customerId: string): Promise<number>
  /** Stores a snapshot covering updates up to `uptoSeq`. Raw updates are kept for audit re-derivation. */
  saveSnapshot(customerId: string, snapshot: Uint8Array, uptoSeq: number): Promise<void>
  /** Customer ids that have at least one stored update, sorted. */
  documentIds(): Promise<string[]>

  chainHead(customerId: string): Promise<ChainHead>
  /** The customer's whole chain in seq order. */
  auditChain(customerId: string): Promise<AuditEntry[]>
  queryAudit(filter: AuditFilter): Promise<AuditPage>
  /** Every matching entry, newest first, read in pages so memory stays flat. */
  streamAudit(filter: Omit<AuditFilter, 'cursor' | 'limit'>): AsyncIterable<AuditEntry>

  upsertCustomer(customer: CustomerRecord): Promise<void>
  getCustomer(id: string): Promise<CustomerRecord | undefined>
  /** Case-insensitive match on id, name or phone (digits compared without spaces or +). */
  searchCustomers(q: string, limit: number): Promise<CustomerRecord[]>

  upsertUser(user: UserRecord): Promise<void>
  findUser(username: string): Promise<UserRecord | undefined>
  /** Whether any demo account exists (production refuses to start then). */
  hasDemoUsers(): Promise<boolean>
}
