/**
 * The analytics panels (DESIGN.md §12 "Analytics") from the roll-up's daily counters: sums over
 * days, never a customer's row. Every count a panel shows passes `suppress`: a group of fewer than
 * `minGroup` customers (but more than none) is shown as null, and so is a share one of whose parts
 * is, so no figure singles out a person.
 */
import type { DecisionState, PurposeCatalog } from '@consent-sync/consent-core'
import type { AnalyticsReads, DayRange } from '../store/analytics-store'
import { nextDay } from '../store/analytics-store'
import type { Decider } from './rollup'

export interface FigureDeps {
  reads: AnalyticsReads
  catalog: PurposeCatalog
  minGroup: number
}

/** A count, or null when it is a small group. */
export type Shown = number | null

const small = (n: number, k: number) => n > 0 && n < k

/** The counts as shown, and whether any was withheld. */
function suppress<K extends string>(
  counts: Record<K, number>,
  k: number,
): { shown: Record<K, Shown>; suppressed: boolean } {
  const shown = {} as Record<K, Shown>
  let suppressed = false
  for (const key of Object.keys(counts) as K[]) {
    const n = counts[key]
    if (small(n, k)) {
      shown[key] = null
      suppressed = true
    } else shown[key] = n
  }
  return { shown, suppressed }
}

/**
 * A part of a whole and its share, withheld when the part, or what is left of the whole, is a
 * small group: with the whole shown, either would give the other away.
 */
function partOf(part: number, whole: number, k: number): { part: Shown; share: Shown; suppressed: boolean } {
  if (small(part, k) || small(whole - part, k) || small(whole, k))
    return { part: null, share: null, suppressed: true }
  return { part, share: whole === 0 ? null : part / whole, suppressed: false }
}

/** Customers effectively granted: the counted moves, on top of everyone when the default grants. */
const grantedOf = (delta: number, customers: number, defaultState: DecisionState) =>
  Math.max(0, delta + (defaultState === 'granted' ? customers : 0))

export async function purposeFigures(deps: FigureDeps, at: string | null) {
  const [customers, granted] = await Promise.all([deps.reads.customersUpTo(at), deps.reads.grantedUpTo(at)])
  const deltas = new Map(granted.map((g) => [g.purposeId, g.granted]))
  const k = deps.minGroup
  return deps.catalog.purposes.map((p) => {
    const granted = partOf(grantedOf(deltas.get(p.id) ?? 0, customers, p.default), customers, k)
    return {
      purposeId: p.id,
      title: p.title,
      status: p.status ?? 'active',
      defaultState: p.default,
      customers: small(customers, k) ? null : customers,
      granted: granted.part,
      grantedShare: granted.share,
      suppressed: granted.suppressed,
    }
  })
}

const DAY_MS = 86_400_000
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`)
const dayAt = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/** The Monday of `day`'s ISO week. */
const weekStart = (day: string) => {
  const ms = dayMs(day)
  return dayAt(ms - ((new Date(ms).getUTCDay() + 6) % 7) * DAY_MS)
}

export type Interval = 'day' | 'week'

/** The buckets of a range: each day, or each week (Monday to Sunday, cut to the range). */
export function buckets(range: DayRange, interval: Interval): { start: string; end: string }[] {
  const out: { start: string; end: string }[] = []
  for (let start = range.from; start <= range.to; ) {
    const end =
      interval === 'day' ? start : dayAt(Math.min(dayMs(weekStart(start)) + 6 * DAY_MS, dayMs(range.to)))
    out.push({ start, end })
    start = nextDay(end)
  }
  return out
}

export async function timeseriesFigures(
  deps: FigureDeps,
  purposeId: string,
  range: DayRange,
  interval: Interval,
) {
  const purpose = deps.catalog.purposes.find((p) => p.id === purposeId)
  const before = dayAt(dayMs(range.from) - DAY_MS)
  const [customers0, granted0, customersDaily, grantedDaily, decisions] = await Promise.all([
    deps.reads.customersUpTo(before),
    deps.reads.grantedUpTo(before),
    deps.reads.customersDaily(range),
    deps.reads.grantedDaily(purposeId, range),
    deps.reads.decisionsDaily(purposeId, range),
  ])
  const k = deps.minGroup
  let customers = customers0
  let delta = granted0.find((g) => g.purposeId === purposeId)?.granted ?? 0
  const newCustomers = new Map(customersDaily.map((r) => [r.day, r.customers]))
  const moved = new Map(grantedDaily.map((r) => [r.day, r.delta]))
  const byDay = new Map<string, { grants: number; withdrawals: number }>()
  for (const r of decisions) {
    const v = byDay.get(r.day) ?? { grants: 0, withdrawals: 0 }
    if (r.kind === 'withdraw') v.withdrawals += r.decisions
    else v.grants += r.decisions
    byDay.set(r.day, v)
  }
  return buckets(range, interval).map(({ start, end }) => {
    let grants = 0
    let withdrawals = 0
    for (let day = start; day <= end; day = nextDay(day)) {
      customers += newCustomers.get(day) ?? 0
      delta += moved.get(day) ?? 0
      grants += byDay.get(day)?.grants ?? 0
      withdrawals += byDay.get(day)?.withdrawals ?? 0
    }
    const granted = partOf(grantedOf(delta, customers, purpose?.default ?? 'withdrawn'), customers, k)
    const { shown, suppressed } = suppress({ grants, withdrawals }, k)
    return {
      start,
      end,
      customers: small(customers, k) ? null : customers,
      granted: granted.part,
      grantedShare: granted.share,
      ...shown,
      suppressed: suppressed || granted.suppressed,
    }
  })
}

export async function channelFigures(deps: FigureDeps, range: DayRange, purposeId: string | null) {
  const totals = await deps.reads.decisionTotals(range, purposeId)
  const rows = new Map<
    string,
    { channel: string; decider: Decider; grants: number; withdrawals: number; renewals: number }
  >()
  for (const t of totals) {
    const key = `${t.channel} ${t.decider}`
    const row = rows.get(key) ?? {
      channel: t.channel,
      decider: t.decider,
      grants: 0,
      withdrawals: 0,
      renewals: 0,
    }
    if (t.kind === 'grant') row.grants += t.decisions
    else if (t.kind === 'withdraw') row.withdrawals += t.decisions
    else row.renewals += t.decisions
    rows.set(key, row)
  }
  return [...rows.values()]
    .sort((a, b) => a.channel.localeCompare(b.channel) || a.decider.localeCompare(b.decider))
    .map(({ channel, decider, ...counts }) => {
      const { shown, suppressed } = suppress(counts, deps.minGroup)
      return { channel, decider, ...shown, suppressed }
    })
}

export async function withdrawalFigures(
  deps: FigureDeps,
  range: DayRange,
  withinDays: number,
  purposeId: string | null,
) {
  const k = deps.minGroup
  const lags = (await deps.reads.withdrawalLags(range, withinDays)).filter(
    (l) => purposeId === null || l.purposeId === purposeId,
  )
  const row = (withdrawals: number, within: number) => {
    const part = partOf(within, withdrawals, k)
    return {
      withdrawals: small(withdrawals, k) ? null : withdrawals,
      withinDaysOfGrant: part.part,
      share: part.share,
      suppressed: part.suppressed,
    }
  }
  const sum = (f: (l: (typeof lags)[number]) => number) => lags.reduce((n, l) => n + f(l), 0)
  return {
    ...row(
      sum((l) => l.withdrawals),
      sum((l) => l.within),
    ),
    byPurpose: lags
      .sort((a, b) => a.purposeId.localeCompare(b.purposeId))
      .map((l) => ({ purposeId: l.purposeId, ...row(l.withdrawals, l.within) })),
  }
}

/** The q-quantile (0..1) of sorted values, nearest rank. */
function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? null
}

const HOUR_MS = 3_600_000
const hours = (ms: number) => Math.round((ms / HOUR_MS) * 10) / 10

export async function conflictFigures(
  deps: FigureDeps,
  range: DayRange,
  opts: { list: boolean; listLimit: number; now: number },
) {
  const [counts, closed, list] = await Promise.all([
    deps.reads.openConflictCounts(),
    deps.reads.closedConflicts(range),
    opts.list ? deps.reads.openConflicts(opts.listLimit) : Promise.resolve(null),
  ])
  const durations = closed.map((c) => Date.parse(c.closedAt) - Date.parse(c.openedAt)).sort((a, b) => a - b)
  const median = quantile(durations, 0.5)
  const p90 = quantile(durations, 0.9)
  return {
    open: counts.reduce((n, c) => n + c.open, 0),
    byPurpose: counts
      .sort((a, b) => a.purposeId.localeCompare(b.purposeId))
      .map((c) => {
        const { shown, suppressed } = suppress({ open: c.open }, deps.minGroup)
        return { purposeId: c.purposeId, open: shown.open, suppressed }
      }),
    closed: {
      ...range,
      count: durations.length,
      medianHours: median === null ? null : hours(median),
      p90Hours: p90 === null ? null : hours(p90),
    },
    ...(list
      ? {
          list: list.map((c) => ({ ...c, openHours: hours(opts.now - Date.parse(c.openedAt)) })),
        }
      : {}),
  }
}

export async function lifecycleFigures(deps: FigureDeps, range: DayRange) {
  const [ended, renewals] = await Promise.all([
    deps.reads.endedTotals(range),
    deps.reads.renewalTotals(range),
  ])
  const rows = new Map<string, { expired: number; voided: number; retired: number; renewals: number }>()
  const row = (purposeId: string) => {
    let r = rows.get(purposeId)
    if (!r) {
      r = { expired: 0, voided: 0, retired: 0, renewals: 0 }
      rows.set(purposeId, r)
    }
    return r
  }
  for (const e of ended) {
    const r = row(e.purposeId)
    if (e.reason === 'expiry') r.expired += e.ended
    else if (e.reason === 'retired') r.retired += e.ended
    else r.voided += e.ended
  }
  for (const n of renewals) row(n.purposeId).renewals += n.renewals
  return [...rows]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([purposeId, counts]) => {
      const { shown, suppressed } = suppress(counts, deps.minGroup)
      return { purposeId, ...shown, suppressed }
    })
}

export async function agentFigures(deps: FigureDeps, range: DayRange) {
  return (await deps.reads.agentTotals(range)).map((a) => ({
    ...a,
    evidenceShare: a.decisions === 0 ? null : a.withEvidence / a.decisions,
  }))
}
