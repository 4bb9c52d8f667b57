/**
 * `GET /api/customers/:id/consents?at=` (DESIGN.md §12, Evidence): the state at an instant of
 * server time, from the updates received by then, under the catalog of then, expiry judged then.
 */
import { DEFAULT_CATALOG, decide } from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import { appendDecisions, decision } from '../testing/decisions'
import { stockFor, testServer } from '../testing/per-test'
import { CUSTOMER_1, type TestServer } from '../testing/server'
import { until } from '../testing/until'

const ADMIN = { id: 'admin1', role: 'admin' } as const
const CSR = { id: 'csr1', role: 'csr' } as const
const P = 'marketing-sms'
const DAY = 86_400_000
const sms = DEFAULT_CATALOG.purposes.find((p) => p.id === P)!
const changed = (note: string) => ({
  title: sms.title,
  notice: { ...sms.notice, en: `${sms.notice.en} ${note}` },
})

interface ConsentsAt {
  customerId: string
  at: string
  catalogVersion: string
  purposes: Record<string, unknown>[]
  decisions: { decisionId: string; receivedAt: string; seq: number }[]
}

async function consentsAt(s: TestServer, at: string, token = s.token(ADMIN), customerId = 'C-0001') {
  const res = await s.get(`/api/customers/${customerId}/consents?at=${encodeURIComponent(at)}`, token)
  expect(res.status).toBe(200)
  return (await res.json()) as ConsentsAt
}

const smsOf = (body: { purposes: Record<string, unknown>[] }) => body.purposes.find((p) => p.purposeId === P)

describe('GET /api/customers/:id/consents?at=', () => {
  it('judges a synced grant under the catalog and the clock of the instant asked', async () => {
    // The server's clock runs ahead so every instant of this test is in its past.
    const s = await testServer({ now: () => Date.now() + 30 * DAY })
    const publish = (body: unknown) => s.post(`/api/admin/purposes/${P}/versions`, body, s.token(ADMIN))
    expect(
      (await publish({ version: '1.1', ...changed('Daily.'), material: false, lifetimeDays: 1 })).status,
    ).toBe(201)
    const customer = stockFor(s, CUSTOMER_1, 'C-0001', { acks: true })
    await customer.synced()
    decide(customer.doc, {
      purposeId: P,
      state: 'granted',
      actor: { id: 'C-0001', role: 'customer' },
      channel: 'web',
      noticeVersion: '1.1',
    })
    await until(async () => (await s.ctx.store.auditChain('C-0001')).length === 1, 5000, 'the grant stored')
    const [grant] = await s.ctx.store.auditChain('C-0001')
    const receivedAt = grant!.receivedAt
    // A material version requiring fresh consent, published after the grant was received.
    await until(() => Date.now() > Date.parse(receivedAt), 1000, 'a later millisecond')
    expect(
      (await publish({ version: '1.2', ...changed('Hourly.'), material: true, reconsent: 'required' }))
        .status,
    ).toBe(201)
    const v12 = (await s.ctx.store.listVersions(P)).find((v) => v.version === '1.2')!

    const then = await consentsAt(s, receivedAt)
    expect(then.at).toBe(receivedAt)
    expect(then.decisions.map((d) => d.decisionId)).toEqual([grant!.decisionId])
    expect(smsOf(then)).toMatchObject({
      state: 'granted',
      effectiveState: 'granted',
      needsReconsent: false,
      reconsent: null,
      expired: false,
      expiresAt: new Date(Date.parse(receivedAt) + DAY).toISOString(),
      noticeVersion: '1.1',
      decisionId: grant!.decisionId,
    })

    const republished = await consentsAt(s, v12.publishedAt)
    expect(republished.catalogVersion).not.toBe(then.catalogVersion)
    expect(smsOf(republished)).toMatchObject({
      state: 'granted',
      needsReconsent: true,
      reconsent: 'required',
      effectiveState: 'withdrawn',
    })

    const dayLater = await consentsAt(s, new Date(Date.parse(receivedAt) + DAY).toISOString())
    expect(smsOf(dayLater)).toMatchObject({ state: 'granted', expired: true, effectiveState: 'withdrawn' })

    const before = await consentsAt(s, new Date(Date.parse(receivedAt) - 1).toISOString())
    expect(before.decisions).toEqual([])
    expect(smsOf(before)).toMatchObject({ state: 'withdrawn', decisionId: null, heads: [] })
  })

  it('shows a conflict only from the instant its second decision was received', async () => {
    const s = await testServer()
    const first = decision({ purposeId: P, state: 'granted' })
    const byCustomer = decision({ purposeId: P, state: 'granted', supersedes: [first.id] })
    const byAgent = decision({
      purposeId: P,
      state: 'withdrawn',
      supersedes: [first.id],
      actor: { id: 'csr1', role: 'csr' },
      channel: 'phone',
      // Device clocks are not what an instant is judged by.
      at: '2030-01-01T00:00:00.000Z',
    })
    const customer = { id: 'C-0001', role: 'customer' } as const
    await appendDecisions(s.ctx.store, 'C-0001', [first, byCustomer], customer, '2026-11-02T10:00:00.000Z')
    await appendDecisions(s.ctx.store, 'C-0001', [byAgent], CSR, '2026-11-02T11:00:00.000Z')

    const one = await consentsAt(s, '2026-11-02T10:59:59.999Z')
    expect(smsOf(one)).toMatchObject({ state: 'granted', conflicted: false, decisionId: byCustomer.id })
    expect(one.decisions.map((d) => d.decisionId)).toEqual([first.id, byCustomer.id])
    // The same instant written with an offset is the same instant, echoed in UTC.
    const two = await consentsAt(s, '2026-11-02T16:30:00+05:30')
    expect(two.at).toBe('2026-11-02T11:00:00.000Z')
    expect(smsOf(two)).toMatchObject({ state: 'withdrawn', conflicted: true, decisionId: byAgent.id })
    expect(two.decisions).toHaveLength(3)
    // Now, the live answer and the answer at the present instant agree.
    const live = (await (await s.get('/api/customers/C-0001/consents', s.token(ADMIN))).json()) as ConsentsAt
    expect((await consentsAt(s, new Date().toISOString())).purposes).toEqual(live.purposes)
  })

  it('withdraws a grant in effect from the instant its purpose was retired, not before', async () => {
    const s = await testServer()
    const grant = decision({ purposeId: 'partner-sharing', state: 'granted' })
    await appendDecisions(
      s.ctx.store,
      'C-0001',
      [grant],
      { id: 'C-0001', role: 'customer' },
      '2026-11-02T10:00:00.000Z',
    )
    const retiredAt = '2026-11-03T00:00:00.000Z'
    const write = await s.ctx.store.setPurposeStatus('partner-sharing', 'retired', {
      action: 'purpose.retire',
      target: 'purpose:partner-sharing',
      actorId: 'admin1',
      actorRole: 'admin',
      at: retiredAt,
      details: { status: 'retired' },
    })
    expect(write.ok).toBe(true)
    const sharing = async (at: string) =>
      (await consentsAt(s, at)).purposes.find((p) => p.purposeId === 'partner-sharing')
    expect(await sharing('2026-11-02T23:59:59.999Z')).toMatchObject({
      state: 'granted',
      effectiveState: 'granted',
    })
    expect(await sharing(retiredAt)).toMatchObject({ state: 'granted', effectiveState: 'withdrawn' })
  })

  it('answers 400 naming `at` for a bad or future instant, and keeps the access rules', async () => {
    const s = await testServer({ now: () => Date.parse('2026-12-01T00:00:00.000Z') })
    const token = s.token(CSR)
    for (const at of ['yesterday', '2026-02-30T00:00:00Z', '2026-12-01T00:00:00.001Z', '']) {
      const res = await s.get(`/api/customers/C-0001/consents?at=${encodeURIComponent(at)}`, token)
      expect(res.status, at).toBe(400)
      expect(await res.json()).toMatchObject({ error: 'bad-request', field: 'at' })
    }
    const at = '2026-11-15T00:00:00Z'
    const other = await s.get(
      `/api/customers/C-0002/consents?at=${at}`,
      s.token({ id: 'C-0001', role: 'customer', customerId: 'C-0001' }),
    )
    expect(other.status).toBe(403)
    expect((await s.get(`/api/customers/C-0001/consents?at=${at}`)).status).toBe(401)
    expect((await s.get(`/api/customers/C-0404/consents?at=${at}`, token)).status).toBe(404)
    const own = await consentsAt(s, at, s.token({ id: 'C-0001', role: 'customer', customerId: 'C-0001' }))
    expect(own.at).toBe('2026-11-15T00:00:00.000Z')
  })
})
