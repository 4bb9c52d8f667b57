import type { AuditEntry, ChainHead, UserRole } from '@consent-sync/consent-core'
import type { DerivedWrites } from './outbox'

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
  /**
   * The current-state rows and outbox events the update's entries make, written in the same
   * transaction when the request is stored (nothing of them when it is `behind`).
   */
  derived?: DerivedWrites
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

/**
 * Each customer's document as a log of accepted updates, stored with their audit entries in one
 * transaction (DESIGN.md §6.3), and the snapshots folded from it. What the rooms write and read.
 */
export interface DocumentLog {
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
  /**
   * What the server held of the customer at `at` (an ISO instant as stored): the updates in seq
   * order, up to the first received after `at`, which ends them; compacted updates included.
   */
  updatesReceivedBy(customerId: string, at: string): Promise<StoredUpdate[]>
  /** Last update seq of the customer (0 when none). */
  updateSeq(customerId: string): Promise<number>
  /** The last update seq of each customer, in the order asked (0 when none): one query for them all. */
  updateSeqs(customerIds: readonly string[]): Promise<number[]>
  /** Stores a snapshot covering updates up to `uptoSeq`. Raw updates are kept for audit re-derivation. */
  saveSnapshot(customerId: string, snapshot: Uint8Array, uptoSeq: number): Promise<void>
  /** Customer ids that have at least one stored update, sorted. */
  documentIds(): Promise<string[]>
}
