import type { Decider, DecisionKind, RollupDelta } from '../analytics/rollup'

/** Days are UTC calendar days, `YYYY-MM-DD`; a range includes both ends. */
export interface DayRange {
  from: string
  to: string
}

/** The daily counters of analytics/rollup.ts, summed (DESIGN.md §12 "Analytics"). */
export interface AnalyticsReads {
  /** The outbox seq the counters include. */
  analyticsMark(): Promise<number>
  /** Customers with a first decision on or before `day` (all when null). */
  customersUpTo(day: string | null): Promise<number>
  /** Per purpose, the net customers effectively granted by the end of `day` (all when null). */
  grantedUpTo(day: string | null): Promise<{ purposeId: string; granted: number }[]>
  /** Per day in the range that has any, the customers whose first decision it was. */
  customersDaily(range: DayRange): Promise<{ day: string; customers: number }[]>
  grantedDaily(purposeId: string, range: DayRange): Promise<{ day: string; delta: number }[]>
  /** Decisions per day and kind for one purpose. */
  decisionsDaily(
    purposeId: string,
    range: DayRange,
  ): Promise<{ day: string; kind: DecisionKind; decisions: number }[]>
  decisionTotals(
    range: DayRange,
    purposeId: string | null,
  ): Promise<{ channel: string; decider: Decider; kind: DecisionKind; decisions: number }[]>
  /** Per purpose, withdrawals after a grant, and of them those fewer than `withinDays` days after it. */
  withdrawalLags(
    range: DayRange,
    withinDays: number,
  ): Promise<{ purposeId: string; withdrawals: number; within: number }[]>
  endedTotals(range: DayRange): Promise<{ purposeId: string; reason: string; ended: number }[]>
  renewalTotals(range: DayRange): Promise<{ purposeId: string; renewals: number }[]>
  agentTotals(range: DayRange): Promise<{ actorId: string; decisions: number; withEvidence: number }[]>
  openConflictCounts(): Promise<{ purposeId: string; open: number }[]>
  /** The oldest open conflicts first. */
  openConflicts(limit: number): Promise<{ purposeId: string; customerId: string; openedAt: string }[]>
  /** The conflicts closed in the range: when each opened and closed. */
  closedConflicts(range: DayRange): Promise<{ openedAt: string; closedAt: string }[]>
}

export interface AnalyticsStore extends AnalyticsReads {
  /**
   * Rolls up at most `limit` outbox rows past the mark, in one transaction with the new mark; of
   * instances rolling up at once, one does a given row. Returns how many it rolled up (0: none left).
   */
  rollUpAnalytics(limit: number): Promise<number>
}

type Row = Record<string, unknown>

/** What a dialect gives the shared statements: its tables' names, its placeholders, a runner. */
export interface AnalyticsDialect {
  table(name: string): string
  placeholder(n: number): string
}

const num = (v: unknown) => Number(v ?? 0)
const str = (v: unknown) => String(v)

/**
 * The statements that apply a roll-up's counters, in order, with their parameters: an upsert
 * adding to each counter, `rowsPerStatement` rows a statement (keys are unique per table).
 */
export function analyticsWrites(
  d: RollupDelta,
  mark: number,
  { table, placeholder: p }: AnalyticsDialect,
  rowsPerStatement = 1,
): { sql: string; params: unknown[] }[] {
  const out: { sql: string; params: unknown[] }[] = []
  const add = (name: string, keys: string[], values: string[], rows: unknown[][]) => {
    const cols = [...keys, ...values]
    for (let i = 0; i < rows.length; i += rowsPerStatement) {
      const chunk = rows.slice(i, i + rowsPerStatement)
      const tuples = chunk.map((_, r) => `(${cols.map((_, c) => p(r * cols.length + c + 1)).join(', ')})`)
      out.push({
        sql: `INSERT INTO ${table(name)} (${cols.join(', ')}) VALUES ${tuples.join(', ')}
          ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${values
            .map((v) => `${v} = ${name}.${v} + excluded.${v}`)
            .join(', ')}`,
        params: chunk.flat(),
      })
    }
  }
  add(
    'analytics_customers_daily',
    ['day'],
    ['customers'],
    [...d.customers].map(([day, n]) => [day, n]),
  )
  add(
    'analytics_granted_daily',
    ['purpose_id', 'day'],
    ['delta'],
    [...d.granted.values()].filter((g) => g.delta !== 0).map((g) => [g.purposeId, g.day, g.delta]),
  )
  add(
    'analytics_decisions_daily',
    ['day', 'purpose_id', 'channel', 'decider', 'kind'],
    ['decisions'],
    [...d.decisions.values()].map((x) => [x.day, x.purposeId, x.channel, x.decider, x.kind, x.n]),
  )
  add(
    'analytics_lags_daily',
    ['day', 'purpose_id', 'lag_days'],
    ['withdrawals'],
    [...d.lags.values()].map((x) => [x.day, x.purposeId, x.lagDays, x.n]),
  )
  add(
    'analytics_ended_daily',
    ['day', 'purpose_id', 'reason'],
    ['ended'],
    [...d.ended.values()].map((x) => [x.day, x.purposeId, x.reason, x.n]),
  )
  add(
    'analytics_agents_daily',
    ['day', 'actor_id'],
    ['decisions', 'with_evidence'],
    [...d.agents.values()].map((x) => [x.day, x.actorId, x.decisions, x.withEvidence]),
  )
  for (const c of d.opened)
    out.push({
      sql: `INSERT INTO ${table('analytics_conflicts')} (purpose_id, customer_id, opened_at) VALUES (${p(1)}, ${p(2)}, ${p(3)})
        ON CONFLICT (purpose_id, customer_id, opened_at) DO NOTHING`,
      params: [c.purposeId, c.customerId, c.openedAt],
    })
  for (const c of d.closed)
    out.push({
      sql: `UPDATE ${table('analytics_conflicts')} SET closed_at = ${p(1)}
        WHERE purpose_id = ${p(2)} AND customer_id = ${p(3)} AND opened_at = ${p(4)}`,
      params: [c.closedAt, c.purposeId, c.customerId, c.openedAt],
    })
  out.push({
    sql: `UPDATE ${table('analytics_mark')} SET outbox_seq = ${p(1)} WHERE one = 1`,
    params: [mark],
  })
  return out
}

/** The open conflicts among `keys` (purpose, customer pairs), one statement per key. */
export function openConflictQuery({ table, placeholder: p }: AnalyticsDialect): string {
  return `SELECT opened_at FROM ${table('analytics_conflicts')}
    WHERE purpose_id = ${p(1)} AND customer_id = ${p(2)} AND closed_at IS NULL`
}

/** `AnalyticsReads` from the shared statements, on a dialect's runner. */
export function analyticsReads(
  dialect: AnalyticsDialect,
  all: (sql: string, params: unknown[]) => Promise<Row[]>,
): AnalyticsReads {
  const t = dialect.table
  const p = dialect.placeholder
  const upTo = (day: string | null, at: number) => (day === null ? '' : `WHERE day <= ${p(at)}`)
  const dayParams = (day: string | null) => (day === null ? [] : [day])
  const inRange = (at: number) => `day >= ${p(at)} AND day <= ${p(at + 1)}`
  return {
    async analyticsMark() {
      const [row] = await all(`SELECT outbox_seq FROM ${t('analytics_mark')}`, [])
      return num(row?.outbox_seq)
    },
    async customersUpTo(day) {
      const [row] = await all(
        `SELECT coalesce(sum(customers), 0) AS n FROM ${t('analytics_customers_daily')} ${upTo(day, 1)}`,
        dayParams(day),
      )
      return num(row?.n)
    },
    async grantedUpTo(day) {
      const rows = await all(
        `SELECT purpose_id, sum(delta) AS granted FROM ${t('analytics_granted_daily')} ${upTo(day, 1)}
         GROUP BY purpose_id`,
        dayParams(day),
      )
      return rows.map((r) => ({ purposeId: str(r.purpose_id), granted: num(r.granted) }))
    },
    async customersDaily({ from, to }) {
      const rows = await all(
        `SELECT day, customers FROM ${t('analytics_customers_daily')} WHERE ${inRange(1)} ORDER BY day`,
        [from, to],
      )
      return rows.map((r) => ({ day: str(r.day), customers: num(r.customers) }))
    },
    async grantedDaily(purposeId, { from, to }) {
      const rows = await all(
        `SELECT day, delta FROM ${t('analytics_granted_daily')} WHERE purpose_id = ${p(1)} AND ${inRange(2)}
         ORDER BY day`,
        [purposeId, from, to],
      )
      return rows.map((r) => ({ day: str(r.day), delta: num(r.delta) }))
    },
    async decisionsDaily(purposeId, { from, to }) {
      const rows = await all(
        `SELECT day, kind, sum(decisions) AS decisions FROM ${t('analytics_decisions_daily')}
         WHERE purpose_id = ${p(1)} AND ${inRange(2)} GROUP BY day, kind ORDER BY day`,
        [purposeId, from, to],
      )
      return rows.map((r) => ({ day: str(r.day), kind: r.kind as DecisionKind, decisions: num(r.decisions) }))
    },
    async decisionTotals({ from, to }, purposeId) {
      const rows = await all(
        `SELECT channel, decider, kind, sum(decisions) AS decisions FROM ${t('analytics_decisions_daily')}
         WHERE ${inRange(1)}${purposeId === null ? '' : ` AND purpose_id = ${p(3)}`}
         GROUP BY channel, decider, kind`,
        purposeId === null ? [from, to] : [from, to, purposeId],
      )
      return rows.map((r) => ({
        channel: str(r.channel),
        decider: r.decider as Decider,
        kind: r.kind as DecisionKind,
        decisions: num(r.decisions),
      }))
    },
    async withdrawalLags({ from, to }, withinDays) {
      const rows = await all(
        `SELECT purpose_id, sum(withdrawals) AS withdrawals,
           sum(CASE WHEN lag_days < ${p(3)} THEN withdrawals ELSE 0 END) AS within
         FROM ${t('analytics_lags_daily')} WHERE ${inRange(1)} GROUP BY purpose_id`,
        [from, to, withinDays],
      )
      return rows.map((r) => ({
        purposeId: str(r.purpose_id),
        withdrawals: num(r.withdrawals),
        within: num(r.within),
      }))
    },
    async endedTotals({ from, to }) {
      const rows = await all(
        `SELECT purpose_id, reason, sum(ended) AS ended FROM ${t('analytics_ended_daily')}
         WHERE ${inRange(1)} GROUP BY purpose_id, reason`,
        [from, to],
      )
      return rows.map((r) => ({ purposeId: str(r.purpose_id), reason: str(r.reason), ended: num(r.ended) }))
    },
    async renewalTotals({ from, to }) {
      const rows = await all(
        `SELECT purpose_id, sum(decisions) AS renewals FROM ${t('analytics_decisions_daily')}
         WHERE ${inRange(1)} AND kind = 'renew' GROUP BY purpose_id`,
        [from, to],
      )
      return rows.map((r) => ({ purposeId: str(r.purpose_id), renewals: num(r.renewals) }))
    },
    async agentTotals({ from, to }) {
      const rows = await all(
        `SELECT actor_id, sum(decisions) AS decisions, sum(with_evidence) AS with_evidence
         FROM ${t('analytics_agents_daily')} WHERE ${inRange(1)} GROUP BY actor_id ORDER BY actor_id`,
        [from, to],
      )
      return rows.map((r) => ({
        actorId: str(r.actor_id),
        decisions: num(r.decisions),
        withEvidence: num(r.with_evidence),
      }))
    },
    async openConflictCounts() {
      const rows = await all(
        `SELECT purpose_id, count(*) AS open FROM ${t('analytics_conflicts')} WHERE closed_at IS NULL
         GROUP BY purpose_id`,
        [],
      )
      return rows.map((r) => ({ purposeId: str(r.purpose_id), open: num(r.open) }))
    },
    async openConflicts(limit) {
      const rows = await all(
        `SELECT purpose_id, customer_id, opened_at FROM ${t('analytics_conflicts')} WHERE closed_at IS NULL
         ORDER BY opened_at, purpose_id, customer_id LIMIT ${p(1)}`,
        [limit],
      )
      return rows.map((r) => ({
        purposeId: str(r.purpose_id),
        customerId: str(r.customer_id),
        openedAt: str(r.opened_at),
      }))
    },
    async closedConflicts({ from, to }) {
      // closed_at is a full time: the range's last day runs to its end.
      const rows = await all(
        `SELECT opened_at, closed_at FROM ${t('analytics_conflicts')}
         WHERE closed_at IS NOT NULL AND closed_at >= ${p(1)} AND closed_at < ${p(2)}`,
        [from, nextDay(to)],
      )
      return rows.map((r) => ({ openedAt: str(r.opened_at), closedAt: str(r.closed_at) }))
    },
  }
}

/** The day after `day`. */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
}
