/**
 * The transactional outbox and the current-state table (DESIGN.md §12 "Downstream"): both written
 * in the same transaction as an accepted update and its audit entries, so every acknowledged
 * decision has its events and its current state, and nothing exists for a decision not stored.
 */

/** What downstream systems are told of. */
export type OutboxEventType = 'decision.accepted' | 'consent.changed' | 'catalog.published'

export const OUTBOX_EVENT_TYPES: readonly OutboxEventType[] = [
  'decision.accepted',
  'consent.changed',
  'catalog.published',
]

/** One stored event, delivered at least once to every endpoint that subscribes to its type. */
export interface OutboxEvent {
  /** The global order of events: gapless per store, from 1. */
  seq: number
  /**
   * The event's id, the `webhook-id` of its deliveries (Standard Webhooks): stable across retries
   * and replays, unique, e.g. `evt_<customerId>_<auditSeq>` for a decision.
   */
  id: string
  type: OutboxEventType
  /** The customer it is about (null for `catalog.published`). */
  customerId: string | null
  /** The purpose it is about, when one (a purpose filter matches on it). */
  purposeId: string | null
  /** The server's time it was stored. */
  createdAt: string
  /** The event's `data` object, as delivered. */
  data: Record<string, unknown>
}

/** A purpose's state for one customer as the current-state table holds it. */
export interface ConsentStateRow {
  customerId: string
  purposeId: string
  /** The folded state (consent-core SPEC §3) after the last accepted decision. */
  state: 'granted' | 'withdrawn'
  conflicted: boolean
  /** The notice version the last decision was made under. */
  noticeVersion: string
  /** The server's receive time of that decision (expiry counts from it). */
  decidedAt: string
  /**
   * The effective state (withdrawn when expired, voided by a required re-consent, or retired) as
   * last announced by a `consent.changed` event; what a downstream system acts on.
   */
  effectiveState: 'granted' | 'withdrawn'
  /** When a grant under a version with a lifetime expires (null: never). */
  expiresAt: string | null
  /**
   * The change marker: the outbox seq of the event that announced the row's last change (its
   * decision's `decision.accepted`, or the sweeper's `consent.changed`); 0 for rows filled from the
   * audit log on upgrade. Gapless and in commit order like the outbox, so `?since=` misses nothing.
   */
  changeSeq: number
}

/**
 * What an accepted update changes downstream, computed by the accepting side (downstream/derive.ts)
 * and written by the store in the append's transaction, which assigns every `seq` and `changeSeq`.
 */
export interface DerivedWrites {
  /** Per purpose the update decided: its row after the update (the last decision of it wins). */
  states: DerivedState[]
  /** One `decision.accepted` per audit entry, in entry order. */
  events: Omit<OutboxEvent, 'seq'>[]
}

export interface DerivedState {
  row: Omit<ConsentStateRow, 'changeSeq'>
  /** Index in `events` of the event whose seq becomes the row's `changeSeq`. */
  eventIndex: number
  /** The effective state before, when the table holds no row yet (the catalog default). */
  effectiveWithoutRow: 'granted' | 'withdrawn'
  /**
   * Announced after the row's event only when the effective state differs from the one the table
   * held (which the sweeper may have moved since): the store adds `previousEffectiveState`.
   */
  changed: Omit<OutboxEvent, 'seq'>
}

/** One row's effective state moved by the sweeper (expiry, required re-consent, retirement). */
export interface EffectiveChange {
  customerId: string
  purposeId: string
  /** Applied only while the row is still at this change marker and still effectively granted. */
  expectChangeSeq: number
  effectiveState: 'withdrawn'
  /** Its `consent.changed` event; its seq becomes the row's `changeSeq`. */
  event: Omit<OutboxEvent, 'seq'>
}

/** Which granted rows are due a sweep: expired by `now`, or made under a version a catalog change voids. */
export interface SweepQuery {
  now: string
  /** Per purpose, the versions whose grants are void (`null`: every version, the purpose is retired). */
  voided: { purposeId: string; versions: string[] | null }[]
  limit: number
}

export interface OutboxStore {
  /** Events after `afterSeq`, oldest first, at most `limit`. */
  readOutbox(afterSeq: number, limit: number): Promise<OutboxEvent[]>
  /** The newest event's seq (0 when none). */
  outboxHead(): Promise<number>
  /**
   * Appends events that no update carries (`catalog.published`, `consent.changed` by expiry or a
   * required re-consent), in one transaction; ids already stored are skipped (idempotent).
   */
  appendEvents(events: readonly Omit<OutboxEvent, 'seq'>[]): Promise<number>
}

export interface ConsentStateStore {
  /** The stored rows of `purposeId` for those of `customerIds` that have one. */
  consentStates(purposeId: string, customerIds: readonly string[]): Promise<ConsentStateRow[]>
  /**
   * Every row of `purposeId` in customer-id order, page by page (constant memory at any size),
   * only those changed after `sinceChange` when given.
   */
  streamConsentStates(
    purposeId: string,
    options?: { sinceChange?: number; pageSize?: number },
  ): AsyncIterable<ConsentStateRow[]>
  /** The newest change marker (0 when none): the `as of` of a list. */
  consentStateMark(): Promise<number>
  /** Rows effectively granted that `query` says are due: expired, or under a voided version. */
  dueConsentStates(query: SweepQuery): Promise<ConsentStateRow[]>
  /**
   * Applies the changes whose rows are still where they were read, each with its event, in one
   * transaction; of several instances sweeping at once only one applies a given row. Returns how
   * many were applied.
   */
  applyEffectiveChanges(changes: readonly EffectiveChange[]): Promise<number>
}

/** The outbox's seq and the row markers, for the tables' adapters. */
export interface DownstreamStore extends OutboxStore, ConsentStateStore {}
