import { describe, expect, it } from 'vitest'
import { appendDecisions, decideAs, decision } from '../testing/decisions'
import { stockFor, testServer } from '../testing/per-test'
import { ADMIN, CSR_1, CUSTOMER_1, type TestServer } from '../testing/server'
import { until } from '../testing/until'
import { parseDay } from './analytics'

const NOW = Date.parse('2026-11-20T12:00:00.000Z')

interface Purposes {
  at: string | null
  asOf: number
  minGroup: number
  purposes: {
    purposeId: string
    customers: number | null
    granted: number | null
    grantedShare: number | null
    suppressed: boolean
  }[]
}

/** `n` customers each deciding `purposeId` on `day`, straight into the store as the server stores them. */
async function decideMany(
  s: TestServer,
  first: number,
  n: number,
  state: 'granted' | 'withdrawn',
  at: string,
  purposeId = 'marketing-sms',
  by: { id: string; role: 'customer' | 'csr' } | null = null,
  /** Whether each decision sees the customer's last one (false: concurrent with it, a conflict). */
  sequential = true,
) {
  for (let i = first; i < first + n; i++) {
    const customerId = `C-${String(i).padStart(4, '0')}`
    const actor = by ?? { id: customerId, role: 'customer' as const }
    const previous = sequential ? last.get(customerId) : undefined
    const d = decision({
      purposeId,
      state,
      actor,
      channel: actor.role === 'csr' ? 'phone' : 'web',
      supersedes: previous ? [previous] : [],
      ...(actor.role === 'csr' ? { evidence: 'call 42' } : {}),
    })
    last.set(customerId, d.id)
    await appendDecisions(s.ctx.store, customerId, [d], actor, at)
  }
}

/** Each customer's last decision id, so the next one can supersede it. */
const last = new Map<string, string>()

async function json<T>(res: Response): Promise<T> {
  expect(res.status, await res.clone().text()).toBe(200)
  return (await res.json()) as T
}

const sms = (p: Purposes) => p.purposes.find((x) => x.purposeId === 'marketing-sms')

describe('analytics API', () => {
  it('reads days and times, and names what is wrong with the rest', () => {
    expect(parseDay('2026-11-02')).toEqual({ ok: true, day: '2026-11-02' })
    expect(parseDay('2026-11-02T23:30:00-05:00')).toEqual({ ok: true, day: '2026-11-03' })
    expect(parseDay('2026-02-30').ok).toBe(false)
    expect(parseDay('yesterday').ok).toBe(false)
  })

  it('answers each panel from the stored decisions, by day, with the share and its small groups withheld', async () => {
    const s = await testServer({ env: { ANALYTICS_MIN_GROUP: '3' }, now: () => NOW })
    const admin = s.token(ADMIN)
    await decideMany(s, 1, 6, 'granted', '2026-11-10T09:00:00.000Z')
    await decideMany(s, 1, 2, 'withdrawn', '2026-11-12T09:00:00.000Z')
    await decideMany(s, 7, 4, 'granted', '2026-11-12T10:00:00.000Z', 'marketing-sms', {
      id: 'csr1',
      role: 'csr',
    })

    const now = await json<Purposes>(await s.get('/api/analytics/purposes', admin))
    expect(now.minGroup).toBe(3)
    // 8 of 10 granted: the 2 who are not are a small group, so neither figure is shown.
    expect(sms(now)).toMatchObject({ customers: 10, granted: null, grantedShare: null, suppressed: true })
    // Nobody granted partner sharing: 0 is shown, it singles no one out.
    expect(now.purposes.find((p) => p.purposeId === 'partner-sharing')).toMatchObject({
      granted: 0,
      grantedShare: 0,
    })

    const before = await json<Purposes>(await s.get('/api/analytics/purposes?at=2026-11-11', admin))
    expect(before.at).toBe('2026-11-11')
    expect(sms(before)).toMatchObject({ customers: 6, granted: 6, grantedShare: 1 })

    const series = await json<{
      points: {
        start: string
        end: string
        customers: number
        granted: number
        grants: number | null
        withdrawals: number | null
        suppressed: boolean
      }[]
    }>(await s.get('/api/analytics/timeseries?purposeId=marketing-sms&from=2026-11-09&to=2026-11-13', admin))
    expect(series.points.map((p) => [p.start, p.customers, p.granted, p.grants, p.withdrawals])).toEqual([
      ['2026-11-09', 0, 0, 0, 0],
      ['2026-11-10', 6, 6, 6, 0],
      ['2026-11-11', 6, 6, 0, 0],
      // Two withdrawals: fewer than 3, withheld.
      ['2026-11-12', 10, null, 4, null],
      ['2026-11-13', 10, null, 0, 0],
    ])
    expect(series.points[3]?.suppressed).toBe(true)

    const weeks = await json<{ points: { start: string; end: string; granted: number }[] }>(
      await s.get(
        '/api/analytics/timeseries?purposeId=marketing-sms&from=2026-11-04&to=2026-11-20&interval=week',
        admin,
      ),
    )
    // Weeks run Monday to Sunday, cut to the range.
    expect(weeks.points.map((p) => [p.start, p.end, p.granted])).toEqual([
      ['2026-11-04', '2026-11-08', 0],
      ['2026-11-09', '2026-11-15', null],
      ['2026-11-16', '2026-11-20', null],
    ])

    const channels = await json<{ rows: unknown[] }>(
      await s.get('/api/analytics/channels?from=2026-11-01&to=2026-11-20', admin),
    )
    expect(channels.rows).toEqual([
      { channel: 'phone', decider: 'agent', grants: 4, withdrawals: 0, renewals: 0, suppressed: false },
      { channel: 'web', decider: 'customer', grants: 6, withdrawals: null, renewals: 0, suppressed: true },
    ])

    const withdrawals = await json<{ withdrawals: number | null; withinDaysOfGrant: number | null }>(
      await s.get('/api/analytics/withdrawals?from=2026-11-01&to=2026-11-20&withinDays=7', admin),
    )
    expect(withdrawals).toMatchObject({
      withdrawals: null,
      withinDaysOfGrant: null,
      share: null,
      withinDays: 7,
    })

    const agents = await json<{ rows: unknown[] }>(
      await s.get('/api/analytics/agents?from=2026-11-01&to=2026-11-20', admin),
    )
    expect(agents.rows).toEqual([{ actorId: 'csr1', decisions: 4, withEvidence: 4, evidenceShare: 1 }])

    const lifecycle = await json<{ rows: unknown[] }>(
      await s.get('/api/analytics/lifecycle?from=2026-11-01&to=2026-11-20', admin),
    )
    expect(lifecycle.rows).toEqual([])
  })

  it('lists open conflicts with their customers only to admins and auditors, and refuses other roles', async () => {
    const s = await testServer({ now: () => NOW })
    // Two decisions that do not see each other: concurrent, so the second is conflicted.
    await decideMany(s, 1, 1, 'granted', '2026-11-18T09:00:00.000Z', 'marketing-sms', null, false)
    await decideMany(s, 1, 1, 'withdrawn', '2026-11-18T10:00:00.000Z', 'marketing-sms', null, false)
    const admin = await json<{
      open: number
      list?: { customerId: string; openedAt: string; openHours: number }[]
    }>(await s.get('/api/analytics/conflicts', s.token(ADMIN)))
    expect(admin.open).toBe(1)
    expect(admin.list).toEqual([
      {
        customerId: 'C-0001',
        purposeId: 'marketing-sms',
        openedAt: '2026-11-18T10:00:00.000Z',
        openHours: 50,
      },
    ])
    const auditor = await json<{ list?: unknown[] }>(
      await s.get('/api/analytics/conflicts', s.token({ id: 'dpo', role: 'auditor' })),
    )
    expect(auditor.list).toHaveLength(1)
    const service = await json<{ open: number; list?: unknown[] }>(
      await s.get('/api/analytics/conflicts', s.token({ id: 'bi', role: 'service' })),
    )
    expect(service.open).toBe(1)
    expect(service.list).toBeUndefined()
    expect((await s.get('/api/analytics/agents', s.token({ id: 'bi', role: 'service' }))).status).toBe(403)
    for (const user of [CSR_1, CUSTOMER_1]) {
      expect((await s.get('/api/analytics/purposes', s.token(user))).status).toBe(403)
    }
    expect((await s.get('/api/analytics/purposes')).status).toBe(401)
  })

  it('refuses a bad day, a reversed or too long range and an unknown purpose, naming the parameter', async () => {
    const s = await testServer({ now: () => NOW })
    const admin = s.token(ADMIN)
    const cases: [string, string][] = [
      ['/api/analytics/purposes?at=soon', 'at'],
      ['/api/analytics/channels?from=2026-13-01', 'from'],
      ['/api/analytics/channels?from=2026-11-10&to=2026-11-01', 'from'],
      ['/api/analytics/channels?from=2000-01-01&to=2026-11-01', 'from'],
      ['/api/analytics/channels?to=2026-11-31', 'to'],
      ['/api/analytics/timeseries?from=2026-11-01', 'purposeId'],
      ['/api/analytics/timeseries?purposeId=telepathy', 'purposeId'],
      ['/api/analytics/withdrawals?withinDays=0', 'withinDays'],
      ['/api/analytics/timeseries?purposeId=marketing-sms&interval=month', 'interval'],
    ]
    for (const [path, field] of cases) {
      const res = await s.get(path, admin)
      const body = (await res.json()) as { error: string; message: string; field?: string }
      expect([path, res.status, body.error, body.field]).toEqual([path, 400, 'bad-request', field])
      expect(body.message.length).toBeGreaterThan(5)
    }
  })

  it('moves when a decision arrives through a stock client, and shows the headline figures on /metrics', async () => {
    const s = await testServer({ env: { ANALYTICS_MIN_GROUP: '1' } })
    const admin = s.token(ADMIN)
    const first = sms(await json<Purposes>(await s.get('/api/analytics/purposes', admin)))
    expect(first).toMatchObject({ customers: 0, granted: 0 })
    const customer = stockFor(s, CUSTOMER_1, 'C-0001', { acks: true })
    await customer.synced()
    decideAs(customer.doc, CUSTOMER_1, 'marketing-sms', 'granted')
    // Acknowledged means stored, and stored means counted: the next request sees it.
    await until(async () => (await s.ctx.store.auditChain('C-0001')).length === 1, 5000, 'the grant stored')
    const after = await json<Purposes>(await s.get('/api/analytics/purposes', admin))
    expect(sms(after)).toMatchObject({ customers: 1, granted: 1, grantedShare: 1 })
    expect(after.asOf).toBeGreaterThan(0)
    // Nothing stored is left uncounted.
    expect((after as Purposes & { pending: number }).pending).toBe(0)
    const metrics = await (await s.get('/metrics')).text()
    expect(metrics).toContain('consent_sync_consent_customers 1')
    expect(metrics).toContain('consent_sync_consent_granted{purpose="marketing-sms"} 1')
    expect(metrics).toContain('consent_sync_consent_granted_share{purpose="marketing-sms"} 1')
  })

  it('withholds the metrics series of a small group', async () => {
    const s = await testServer({ env: { ANALYTICS_MIN_GROUP: '5' } })
    await decideMany(s, 1, 2, 'granted', new Date().toISOString())
    const metrics = await (await s.get('/metrics')).text()
    expect(metrics).toContain('# TYPE consent_sync_consent_granted_share gauge')
    expect(metrics).not.toContain('consent_sync_consent_granted_share{purpose="marketing-sms"}')
    expect(metrics).toMatch(/^consent_sync_consent_customers 2$/m)
  })
})
