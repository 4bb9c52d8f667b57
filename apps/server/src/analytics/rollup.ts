/**
 * The analytics roll-up (DESIGN.md §12 "Analytics"): the outbox, read in its order past a mark,
 * folded into daily counters that every panel sums. The outbox already holds one
 * `decision.accepted` per audit entry and one `consent.changed` per move of an effective state,
 * in commit order and gapless, so a mark in it never misses a row, on one instance or many.
 * Pure: the store reads the batch and applies what this returns in one transaction with the mark.
 */

/** An outbox row as the roll-up reads it, with what the audit entry of a decision adds. */
export interface RollupEvent {
  seq: number
  type: string
  createdAt: string
  data: Record<string, unknown>
  /** The entry carries evidence (a decision's own audit row; null for other events). */
  hasEvidence: boolean | null
  /** The receive time of the customer's last grant of the purpose before a withdrawal (null: none). */
  lastGrantAt: string | null
}

/** What a decision was, for counting: a grant, a withdrawal, or a grant given while granted. */
export type DecisionKind = 'grant' | 'withdraw' | 'renew'
export type Decider = 'customer' | 'agent'

/** A withdrawal this many days or more after its grant is counted at this many. */
export const MAX_LAG_DAYS = 365

/** A conflict as the roll-up tracks it: open since `openedAt`, for one customer and purpose. */
export interface ConflictKey {
  purposeId: string
  customerId: string
}

export interface RollupDelta {
  /** Customers whose first decision fell on the day. */
  customers: Map<string, number>
  /** `purposeId day` → net change of customers effectively granted. */
  granted: Map<string, { purposeId: string; day: string; delta: number }>
  decisions: Map<
    string,
    { day: string; purposeId: string; channel: string; decider: Decider; kind: DecisionKind; n: number }
  >
  lags: Map<string, { day: string; purposeId: string; lagDays: number; n: number }>
  /** Grants the sweeper ended, by reason (expired, a required re-consent, a retired purpose). */
  ended: Map<string, { day: string; purposeId: string; reason: string; n: number }>
  agents: Map<string, { day: string; actorId: string; decisions: number; withEvidence: number }>
  /** Conflicts that opened (not open before), and conflicts that closed, in order. */
  opened: (ConflictKey & { openedAt: string })[]
  closed: (ConflictKey & { openedAt: string; closedAt: string })[]
}

/** The UTC day of an RFC 3339 UTC time (`2026-12-03T…Z` → `2026-12-03`). */
export const dayOf = (iso: string): string => new Date(iso).toISOString().slice(0, 10)

const DAY_MS = 86_400_000

const conflictKey = (purposeId: string, customerId: string) => `${purposeId}\u0000${customerId}`

/** The keys of the conflicts a batch may open or close: its decisions'. */
export function conflictKeysOf(events: readonly RollupEvent[]): ConflictKey[] {
  const keys = new Map<string, ConflictKey>()
  for (const e of events) {
    if (e.type !== 'decision.accepted') continue
    const purposeId = String(e.data.purposeId)
    const customerId = String(e.data.customerId)
    keys.set(conflictKey(purposeId, customerId), { purposeId, customerId })
  }
  return [...keys.values()]
}

function bump<V extends { n: number }>(map: Map<string, V>, key: string, make: () => Omit<V, 'n'>): void {
  const v = map.get(key)
  if (v) v.n++
  else map.set(key, { ...make(), n: 1 } as V)
}

/**
 * Folds `events` (outbox order) into counters. `openConflicts` holds the conflicts open before the
 * batch among `conflictKeysOf(events)`, key → opened at; it is updated as the batch opens and
 * closes them.
 */
export function rollUp(
  events: readonly RollupEvent[],
  openConflicts: Map<string, string> = new Map(),
): RollupDelta {
  const d: RollupDelta = {
    customers: new Map(),
    granted: new Map(),
    decisions: new Map(),
    lags: new Map(),
    ended: new Map(),
    agents: new Map(),
    opened: [],
    closed: [],
  }
  const grant = (purposeId: string, day: string, delta: number) => {
    const key = `${purposeId} ${day}`
    const v = d.granted.get(key)
    if (v) v.delta += delta
    else d.granted.set(key, { purposeId, day, delta })
  }
  for (const e of events) {
    const day = dayOf(e.createdAt)
    const purposeId = String(e.data.purposeId)
    if (e.type === 'consent.changed') {
      const now = e.data.effectiveState === 'granted' ? 1 : 0
      const before = e.data.previousEffectiveState === 'granted' ? 1 : 0
      if (now !== before) grant(purposeId, day, now - before)
      const reason = String(e.data.reason ?? 'decision')
      if (reason !== 'decision')
        bump(d.ended, `${day} ${purposeId} ${reason}`, () => ({ day, purposeId, reason }))
      continue
    }
    if (e.type !== 'decision.accepted') continue
    const customerId = String(e.data.customerId)
    if (e.data.seq === 1) d.customers.set(day, (d.customers.get(day) ?? 0) + 1)
    const actor = (e.data.actor ?? {}) as { id?: string; role?: string }
    const decider: Decider = actor.role === 'customer' ? 'customer' : 'agent'
    const channel = String(e.data.channel)
    const kind: DecisionKind =
      e.data.decision === 'withdrawn' ? 'withdraw' : e.data.previousState === 'granted' ? 'renew' : 'grant'
    bump(d.decisions, `${day} ${purposeId} ${channel} ${decider} ${kind}`, () => ({
      day,
      purposeId,
      channel,
      decider,
      kind,
    }))
    if (kind === 'withdraw' && e.data.previousState === 'granted' && e.lastGrantAt) {
      const lagDays = Math.min(
        MAX_LAG_DAYS,
        Math.max(0, Math.floor((Date.parse(e.createdAt) - Date.parse(e.lastGrantAt)) / DAY_MS)),
      )
      bump(d.lags, `${day} ${purposeId} ${lagDays}`, () => ({ day, purposeId, lagDays }))
    }
    if (decider === 'agent') {
      const actorId = String(actor.id)
      const key = `${day} ${actorId}`
      const a = d.agents.get(key) ?? { day, actorId, decisions: 0, withEvidence: 0 }
      a.decisions++
      if (e.hasEvidence) a.withEvidence++
      d.agents.set(key, a)
    }
    const key = conflictKey(purposeId, customerId)
    const openedAt = openConflicts.get(key)
    if (e.data.conflicted === true && openedAt === undefined) {
      openConflicts.set(key, e.createdAt)
      d.opened.push({ purposeId, customerId, openedAt: e.createdAt })
    } else if (e.data.conflicted !== true && openedAt !== undefined) {
      openConflicts.delete(key)
      d.closed.push({ purposeId, customerId, openedAt, closedAt: e.createdAt })
    }
  }
  return d
}

/** `openConflicts`' key of a stored open conflict. */
export const openConflictKey = conflictKey
