import type Database from 'better-sqlite3'
import {
  CONSENT_STATE_COLUMNS,
  type ConsentStateDbRow,
  consentStateValues,
  OUTBOX_COLUMNS,
  type OutboxDbRow,
  pageSizeOf,
  toConsentState,
  toOutboxEvent,
} from './downstream-rows'
import type { ConsentStateRow, DerivedWrites, DownstreamStore, EffectiveChange, OutboxEvent } from './outbox'

type NewEvent = Omit<OutboxEvent, 'seq'>

/**
 * A row a check reads, as an array in its SELECT's order: the customer as its index in the sorted
 * ids asked about and the states as 1 (granted) or 0, so no string is made for either.
 */
type CheckedDbRow = [
  index: number,
  granted: 0 | 1,
  conflicted: 0 | 1,
  noticeVersion: string,
  decidedAt: string,
  effectivelyGranted: 0 | 1,
  expiresAt: string | null,
  changeSeq: number,
]

const stateOf = (granted: 0 | 1): ConsentStateRow['state'] => (granted === 1 ? 'granted' : 'withdrawn')

/** A write of the outbox or the current-state table that no update carries, as the writer thread takes it. */
export type DownstreamOp =
  | { kind: 'append-events'; events: NewEvent[] }
  | { kind: 'apply-changes'; changes: EffectiveChange[] }

/**
 * The downstream writes of the SQLite store, on the connection that writes (the writer thread's):
 * `writeDerived` inside an append's transaction, the ops in one IMMEDIATE transaction each. One
 * writer, so the next seq is the last one plus one: gapless, in commit order.
 */
export function sqliteDownstreamWrites(db: Database.Database) {
  const s = {
    head: db.prepare<[], { seq: number }>('SELECT coalesce(max(seq), 0) AS seq FROM outbox'),
    effective: db.prepare<[string, string], { effective_state: string }>(
      'SELECT effective_state FROM consent_states WHERE purpose_id = ? AND customer_id = ?',
    ),
    upsert: db.prepare(
      `INSERT INTO consent_states (${CONSENT_STATE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (purpose_id, customer_id) DO UPDATE SET state = excluded.state,
         conflicted = excluded.conflicted, notice_version = excluded.notice_version,
         decided_at = excluded.decided_at, effective_state = excluded.effective_state,
         expires_at = excluded.expires_at, change_seq = excluded.change_seq`,
    ),
    insertEvent: db.prepare(`INSERT INTO outbox (${OUTBOX_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`),
    hasEvent: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM outbox WHERE id = ?'),
    applyChange: db.prepare<[string, number, string, string, number]>(
      `UPDATE consent_states SET effective_state = ?, change_seq = ?
       WHERE purpose_id = ? AND customer_id = ? AND change_seq = ? AND effective_state = 'granted'`,
    ),
  }
  const insert = (seq: number, e: NewEvent) =>
    s.insertEvent.run(seq, e.id, e.type, e.customerId, e.purposeId, e.createdAt, JSON.stringify(e.data))

  /** The derived writes of the stored requests, in order, in the caller's transaction. */
  function writeDerived(all: readonly DerivedWrites[]): void {
    if (all.length === 0) return
    let seq = (s.head.get() as { seq: number }).seq
    for (const d of all) {
      const first = seq + 1
      for (const e of d.events) insert(++seq, e)
      for (const st of d.states) {
        const was =
          s.effective.get(st.row.purposeId, st.row.customerId)?.effective_state ?? st.effectiveWithoutRow
        s.upsert.run(consentStateValues(st.row, first + st.eventIndex, (b) => +b))
        if (was !== st.row.effectiveState) {
          insert(++seq, { ...st.changed, data: { ...st.changed.data, previousEffectiveState: was } })
        }
      }
    }
  }

  const appendEvents = db.transaction((events: readonly NewEvent[]): number => {
    let seq = (s.head.get() as { seq: number }).seq
    let added = 0
    for (const e of events) {
      if (s.hasEvent.get(e.id)) continue
      insert(++seq, e)
      added++
    }
    return added
  })

  const applyChanges = db.transaction((changes: readonly EffectiveChange[]): number => {
    let seq = (s.head.get() as { seq: number }).seq
    let applied = 0
    for (const c of changes) {
      if (s.hasEvent.get(c.event.id)) continue
      const moved = s.applyChange.run(c.effectiveState, seq + 1, c.purposeId, c.customerId, c.expectChangeSeq)
      if (moved.changes === 0) continue
      insert(++seq, c.event)
      applied++
    }
    return applied
  })

  return {
    writeDerived,
    op(op: DownstreamOp): number {
      return op.kind === 'append-events'
        ? appendEvents.immediate(op.events)
        : applyChanges.immediate(op.changes)
    },
  }
}

/** The reads of the outbox and the current-state table, and its writes through `write`. */
export function sqliteDownstream(
  db: Database.Database,
  write: (op: DownstreamOp) => Promise<number>,
): DownstreamStore {
  let prepared: ReturnType<typeof prepare> | null = null
  // Prepared on first use: the tables exist only once `migrate` has run.
  const prepare = () => ({
    outbox: db.prepare<[number, number], OutboxDbRow>(
      `SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?`,
    ),
    head: db.prepare<[], { seq: number }>('SELECT coalesce(max(seq), 0) AS seq FROM outbox'),
    // CROSS JOIN keeps the ids outside: one primary-key lookup each (in key order: successive
    // lookups share pages), not a scan of the purpose. Rows as arrays, without the purpose and the
    // id (the caller's strings): a check reads 10 000 of them, and an object per row cost a third.
    states: db
      .prepare<[string, string], CheckedDbRow>(
        `SELECT j.key, s.state = 'granted', s.conflicted, s.notice_version, s.decided_at,
           s.effective_state = 'granted', s.expires_at, s.change_seq
         FROM json_each(?) AS j CROSS JOIN consent_states AS s
         WHERE s.purpose_id = ? AND s.customer_id = j.value`,
      )
      .raw(),
    page: db.prepare<[string, string, number], ConsentStateDbRow>(
      `SELECT ${CONSENT_STATE_COLUMNS} FROM consent_states
       WHERE purpose_id = ? AND customer_id > ? ORDER BY customer_id LIMIT ?`,
    ),
    pageSince: db.prepare<[string, string, number, number], ConsentStateDbRow>(
      `SELECT ${CONSENT_STATE_COLUMNS} FROM consent_states
       WHERE purpose_id = ? AND customer_id > ? AND change_seq > ? ORDER BY customer_id LIMIT ?`,
    ),
    expired: db.prepare<[string, number], ConsentStateDbRow>(
      `SELECT ${CONSENT_STATE_COLUMNS} FROM consent_states
       WHERE effective_state = 'granted' AND expires_at IS NOT NULL AND expires_at <= ?
       ORDER BY expires_at LIMIT ?`,
    ),
    voided: db.prepare<[string, string, number], ConsentStateDbRow>(
      `SELECT ${CONSENT_STATE_COLUMNS} FROM consent_states
       WHERE purpose_id = ? AND effective_state = 'granted' AND notice_version IN (SELECT value FROM json_each(?))
       LIMIT ?`,
    ),
    retired: db.prepare<[string, number], ConsentStateDbRow>(
      `SELECT ${CONSENT_STATE_COLUMNS} FROM consent_states
       WHERE purpose_id = ? AND effective_state = 'granted' LIMIT ?`,
    ),
  })
  const q = () => {
    prepared ??= prepare()
    return prepared
  }
  return {
    readOutbox: async (afterSeq, limit) => q().outbox.all(afterSeq, limit).map(toOutboxEvent),
    outboxHead: async () => (q().head.get() as { seq: number }).seq,
    appendEvents: (events) => write({ kind: 'append-events', events: [...events] }),
    async consentStates(purposeId, customerIds) {
      if (customerIds.length === 0) return []
      const ids = [...new Set(customerIds)].sort()
      return (q().states.all(JSON.stringify(ids), purposeId) as unknown[]).map((r) => {
        const [index, granted, conflicted, noticeVersion, decidedAt, effective, expiresAt, changeSeq] =
          r as CheckedDbRow
        return {
          customerId: ids[index]!,
          purposeId,
          state: stateOf(granted),
          conflicted: conflicted === 1,
          noticeVersion,
          decidedAt,
          effectiveState: stateOf(effective),
          expiresAt,
          changeSeq,
        }
      })
    },
    async *streamConsentStates(purposeId, options = {}) {
      const size = pageSizeOf(options.pageSize)
      const since = options.sinceChange
      let after = ''
      for (;;) {
        const page =
          since === undefined
            ? q().page.all(purposeId, after, size)
            : q().pageSince.all(purposeId, after, since, size)
        if (page.length === 0) return
        after = page.at(-1)!.customer_id
        yield page.map(toConsentState)
        if (page.length < size) return
      }
    },
    // The outbox head: every row's marker is at most it (a row changes with an event).
    consentStateMark: async () => (q().head.get() as { seq: number }).seq,
    async dueConsentStates({ now, voided, limit }) {
      const found = new Map<string, ConsentStateDbRow>()
      const add = (rows: ConsentStateDbRow[]) => {
        for (const r of rows) if (found.size < limit) found.set(`${r.purpose_id}\u0000${r.customer_id}`, r)
      }
      add(q().expired.all(now, limit))
      for (const v of voided) {
        if (found.size >= limit) break
        add(
          v.versions === null
            ? q().retired.all(v.purposeId, limit)
            : v.versions.length === 0
              ? []
              : q().voided.all(v.purposeId, JSON.stringify(v.versions), limit),
        )
      }
      return [...found.values()].map(toConsentState)
    },
    applyEffectiveChanges: (changes) =>
      changes.length === 0 ? Promise.resolve(0) : write({ kind: 'apply-changes', changes: [...changes] }),
  }
}
