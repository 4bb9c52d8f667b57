import { DEFAULT_CATALOG, type DecisionState } from '@consent-sync/consent-core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { channelFigures, lifecycleFigures, purposeFigures, timeseriesFigures } from '../../analytics/figures'
import { dayOf, MAX_LAG_DAYS } from '../../analytics/rollup'
import { deriveDownstream } from '../../downstream/derive'
import { sweepOnce } from '../../downstream/sweeper'
import type { AnalyticsStore } from '../analytics-store'
import type { AppendRequest, DocumentLog } from '../document-log'
import type { DownstreamStore, OutboxEvent } from '../outbox'
import type { StoreLifecycle } from '../store'
import { withLifetime } from './downstream'
import { fixtures, type MakeStore } from './fixture'
import { consentHistory, type Step } from './history'

export type AnalyticsSubject = StoreLifecycle & DocumentLog & DownstreamStore & AnalyticsStore

const PURPOSES = ['marketing-sms', 'usage-analytics', 'partner-sharing'] as const
const DAY_MS = 86_400_000
const START = Date.parse('2026-06-01T09:00:00.000Z')

interface GenStep {
  customer: number
  purpose: number
  state: DecisionState
  by: Step['by']
  /** Minutes after the previous step. */
  gapMinutes: number
}

const stepArb = fc.record({
  customer: fc.integer({ min: 1, max: 5 }),
  purpose: fc.integer({ min: 0, max: PURPOSES.length - 1 }),
  state: fc.constantFrom<DecisionState>('granted', 'withdrawn'),
  by: fc.constantFrom<Step['by']>('customer', 'csr'),
  // Up to ~4 days between steps: histories span days and weeks.
  gapMinutes: fc.integer({ min: 1, max: 6000 }),
})

interface Timed extends GenStep {
  customerId: string
  purposeId: string
  at: number
}

const timed = (steps: readonly GenStep[]): Timed[] => {
  let clock = START
  return steps.map((s) => {
    clock += s.gapMinutes * 60_000
    const purposeId = PURPOSES[s.purpose] as string
    return { ...s, customerId: `C-${String(s.customer).padStart(4, '0')}`, purposeId, at: clock }
  })
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/** What every figure should be, computed from the steps alone (no store, no roll-up). */
function expected(steps: readonly Timed[], asOfDay: string, withinDays: number) {
  const upTo = steps.filter((s) => day(s.at) <= asOfDay)
  const customers = new Set(upTo.map((s) => s.customerId)).size
  const last = new Map<string, DecisionState>()
  for (const s of upTo) last.set(`${s.purposeId} ${s.customerId}`, s.state)
  const granted = Object.fromEntries(
    PURPOSES.map((p) => [
      p,
      [...last].filter(([k, state]) => k.startsWith(`${p} `) && state === 'granted').length,
    ]),
  )
  const channels = new Map<string, { grants: number; withdrawals: number; renewals: number }>()
  const state = new Map<string, { state: DecisionState; grantAt: number | null }>()
  let withdrawals = 0
  let within = 0
  const agents = { decisions: 0, withEvidence: 0 }
  for (const s of steps) {
    const key = `${s.purposeId} ${s.customerId}`
    const before = state.get(key) ?? { state: 'withdrawn' as DecisionState, grantAt: null }
    const channel = s.by === 'csr' ? 'phone agent' : 'web customer'
    const row = channels.get(channel) ?? { grants: 0, withdrawals: 0, renewals: 0 }
    if (s.state === 'withdrawn') {
      row.withdrawals++
      if (before.state === 'granted' && before.grantAt !== null) {
        withdrawals++
        if (Math.min(MAX_LAG_DAYS, Math.floor((s.at - before.grantAt) / DAY_MS)) < withinDays) within++
      }
    } else if (before.state === 'granted') row.renewals++
    else row.grants++
    channels.set(channel, row)
    if (s.by === 'csr') {
      agents.decisions++
      agents.withEvidence++
    }
    state.set(key, { state: s.state, grantAt: s.state === 'granted' ? s.at : before.grantAt })
  }
  return { customers, granted, channels, withdrawals, within, agents }
}

/** The steps stored as the server stores them: an update per step, its downstream writes derived. */
async function store(subject: AnalyticsSubject, steps: readonly Timed[]): Promise<void> {
  const histories = new Map<string, ReturnType<typeof consentHistory>>()
  for (const s of steps) {
    let h = histories.get(s.customerId)
    if (!h) {
      h = consentHistory(s.customerId)
      histories.set(s.customerId, h)
    }
    const request: AppendRequest = h.record([
      { purposeId: s.purposeId, state: s.state, by: s.by, receivedAt: new Date(s.at).toISOString() },
    ])
    const derived = deriveDownstream(request.entries, DEFAULT_CATALOG)
    const [result] = await subject.append([derived ? { ...request, derived } : request])
    if (!result || result.behind) throw new Error('not stored')
  }
}

async function rollUpAll(subject: AnalyticsSubject, batch: number): Promise<void> {
  while ((await subject.rollUpAnalytics(batch)) === batch) {}
}

const figureDeps = (subject: AnalyticsSubject) => ({ reads: subject, catalog: DEFAULT_CATALOG, minGroup: 1 })

function decisionEvent(
  seq: number,
  customerId: string,
  at: string,
  conflicted: boolean,
): Omit<OutboxEvent, 'seq'> {
  return {
    id: `evt_${customerId}_${seq}`,
    type: 'decision.accepted',
    customerId,
    purposeId: 'marketing-sms',
    createdAt: at,
    data: {
      customerId,
      purposeId: 'marketing-sms',
      decision: 'granted',
      state: 'granted',
      previousState: 'withdrawn',
      conflicted,
      actor: { id: customerId, role: 'customer' },
      channel: 'web',
      seq,
    },
  }
}

/**
 * The analytics roll-up (DESIGN.md §12 "Analytics"): the daily counters summed give exactly what
 * the stored history says, however the outbox is cut into batches and whoever rolls it up.
 */
export function runAnalyticsTests(makeStore: MakeStore<AnalyticsSubject>): void {
  const { fixture, setup } = fixtures(makeStore)

  describe('analytics roll-up', () => {
    it('matches an independent computation over generated histories', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(stepArb, { minLength: 1, maxLength: 30 }),
          fc.integer({ min: 1, max: 9 }),
          fc.integer({ min: 1, max: 20 }),
          async (generated, batch, withinDays) => {
            const subject = await setup()
            const steps = timed(generated)
            await store(subject, steps)
            await rollUpAll(subject, batch)
            const first = day(steps[0]?.at ?? START)
            const lastDay = day(steps.at(-1)?.at ?? START)
            const range = { from: first, to: lastDay }
            // Every day of the history, through the purposes panel and the daily series alike.
            const series = await timeseriesFigures(figureDeps(subject), 'marketing-sms', range, 'day')
            for (const point of series) {
              const want = expected(steps, point.end, withinDays)
              expect(point.customers).toBe(want.customers)
              expect(point.granted).toBe(want.granted['marketing-sms'])
            }
            const mid = day((Date.parse(first) + Date.parse(lastDay)) / 2)
            const want = expected(steps, mid, withinDays)
            const purposes = await purposeFigures(figureDeps(subject), mid)
            for (const p of PURPOSES) {
              const got = purposes.find((x) => x.purposeId === p)
              expect(got?.granted).toBe(want.granted[p])
              expect(got?.customers).toBe(want.customers)
            }
            const all = expected(steps, lastDay, withinDays)
            const channels = await channelFigures(figureDeps(subject), range, null)
            expect(
              Object.fromEntries(
                channels.map((c) => [
                  `${c.channel} ${c.decider}`,
                  { grants: c.grants, withdrawals: c.withdrawals, renewals: c.renewals },
                ]),
              ),
            ).toEqual(Object.fromEntries(all.channels))
            const lags = await subject.withdrawalLags(range, withinDays)
            expect(lags.reduce((n, l) => n + l.withdrawals, 0)).toBe(all.withdrawals)
            expect(lags.reduce((n, l) => n + l.within, 0)).toBe(all.within)
            const agents = await subject.agentTotals(range)
            expect(agents.reduce((n, a) => n + a.decisions, 0)).toBe(all.agents.decisions)
            expect(agents.reduce((n, a) => n + a.withEvidence, 0)).toBe(all.agents.withEvidence)
            // The granted count always equals the current-state table's.
            const now = await purposeFigures(figureDeps(subject), null)
            for (const p of PURPOSES) {
              let rows = 0
              for await (const page of subject.streamConsentStates(p)) {
                rows += page.filter((r) => r.effectiveState === 'granted').length
              }
              expect(now.find((x) => x.purposeId === p)?.granted).toBe(rows)
            }
            expect(await subject.analyticsMark()).toBe(await subject.outboxHead())
          },
        ),
        { numRuns: 8 },
      )
    }, 120_000)

    it('counts each event once: again is nothing, and two stores rolling up at once share the work', async () => {
      const f = await fixture()
      const a = f.open()
      await a.migrate()
      const steps = timed(
        Array.from({ length: 40 }, (_, i) => ({
          customer: (i % 7) + 1,
          purpose: i % 3,
          state: i % 4 === 0 ? 'withdrawn' : 'granted',
          by: i % 5 === 0 ? 'csr' : 'customer',
          gapMinutes: 97,
        })),
      )
      await store(a, steps)
      const b = f.open()
      await b.migrate()
      await Promise.all([rollUpAll(a, 3), rollUpAll(b, 3)])
      expect(await a.rollUpAnalytics(100)).toBe(0)
      const range = { from: day(START), to: day(steps.at(-1)?.at ?? START) }
      const totals = await a.decisionTotals(range, null)
      expect(totals.reduce((n, t) => n + t.decisions, 0)).toBe(steps.length)
      expect(await a.customersUpTo(null)).toBe(7)
    })

    it('counts a grant the sweeper ends by expiry on the day it ends, and takes it off the granted', async () => {
      const subject = await setup()
      const catalog = withLifetime(2)
      const h = consentHistory('C-0001')
      const request = h.record(
        [
          {
            purposeId: 'marketing-sms',
            state: 'granted',
            by: 'customer',
            receivedAt: new Date(START).toISOString(),
          },
        ],
        catalog,
      )
      const derived = deriveDownstream(request.entries, catalog)
      await subject.append([derived ? { ...request, derived } : request])
      const swept = await sweepOnce({
        store: subject,
        catalog: { current: () => catalog },
        now: () => START + 3 * DAY_MS,
      })
      expect(swept).toBe(1)
      await rollUpAll(subject, 10)
      const deps = { reads: subject, catalog, minGroup: 1 }
      const range = { from: day(START), to: day(START + 5 * DAY_MS) }
      expect(await lifecycleFigures(deps, range)).toEqual([
        { purposeId: 'marketing-sms', expired: 1, voided: 0, retired: 0, renewals: 0, suppressed: false },
      ])
      const series = await timeseriesFigures(deps, 'marketing-sms', range, 'day')
      expect(series.map((p) => p.granted)).toEqual([1, 1, 1, 0, 0, 0])
    })

    it('opens a conflict once, closes it when a later decision is not conflicted, and lists the open ones', async () => {
      const subject = await setup()
      const at = (h: number) => new Date(START + h * 3_600_000).toISOString()
      await subject.appendEvents([
        decisionEvent(1, 'C-0001', at(0), true),
        decisionEvent(2, 'C-0001', at(1), true),
        decisionEvent(1, 'C-0002', at(2), true),
      ])
      // A batch boundary between the opening and the closing.
      await subject.rollUpAnalytics(2)
      await subject.appendEvents([decisionEvent(3, 'C-0001', at(5), false)])
      await rollUpAll(subject, 1)
      expect(await subject.openConflictCounts()).toEqual([{ purposeId: 'marketing-sms', open: 1 }])
      expect(await subject.openConflicts(10)).toEqual([
        { purposeId: 'marketing-sms', customerId: 'C-0002', openedAt: at(2) },
      ])
      expect(await subject.closedConflicts({ from: day(START), to: day(START) })).toEqual([
        { openedAt: at(0), closedAt: at(5) },
      ])
      expect(dayOf(at(5))).toBe(day(START))
    })
  })
}
