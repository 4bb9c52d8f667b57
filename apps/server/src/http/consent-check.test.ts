import { DEFAULT_CATALOG } from '@consent-sync/consent-core'
import { describe, expect, it, onTestFinished } from 'vitest'
import { appendDecisions, decision } from '../testing/decisions'
import { startTestServer } from '../testing/server'
import { AS_OF_HEADER, MAX_CHECK_IDS } from './consent-check'

const T0 = '2026-11-02T08:00:00.000Z'

async function setup() {
  const server = await startTestServer({
    env: { DEMO: '1' },
    now: () => Date.parse('2026-11-03T00:00:00.000Z'),
  })
  onTestFinished(() => server.cleanup())
  const store = server.ctx.store
  const decide = (customerId: string, purposeId: string, state: 'granted' | 'withdrawn', at = T0) =>
    appendDecisions(
      store,
      customerId,
      [decision({ purposeId, state, actor: { id: customerId, role: 'customer' } })],
      { id: customerId, role: 'customer' },
      at,
    )
  const service = server.token({ id: 'campaigns', role: 'service' })
  const check = (body: unknown, token = service) => server.post('/api/consents/check', body, token)
  return { server, decide, service, check }
}

describe('POST /api/consents/check', () => {
  it('answers each id in the order asked, from the current-state table and the catalog default', async () => {
    const { decide, check } = await setup()
    await decide('C-0001', 'marketing-sms', 'granted')
    await decide('C-0002', 'marketing-sms', 'granted')
    // Not superseding the grant (the helper's decisions see nothing): concurrent, so conflicted.
    await decide('C-0002', 'marketing-sms', 'withdrawn', '2026-11-02T09:00:00.000Z')
    const res = await check({
      purposeId: 'marketing-sms',
      customerIds: ['C-0404', 'C-0002', 'C-0001', 'C-0001'],
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { asOf: number; purposeId: string; results: unknown[] }
    expect(body.purposeId).toBe('marketing-sms')
    expect(body.asOf).toBeGreaterThanOrEqual(5)
    const version = DEFAULT_CATALOG.purposes.find((p) => p.id === 'marketing-sms')!.version
    expect(body.results).toEqual([
      { customerId: 'C-0404', state: 'unknown', effectiveState: 'withdrawn', conflicted: false },
      {
        customerId: 'C-0002',
        state: 'withdrawn',
        effectiveState: 'withdrawn',
        conflicted: true,
        noticeVersion: version,
      },
      {
        customerId: 'C-0001',
        state: 'granted',
        effectiveState: 'granted',
        conflicted: false,
        noticeVersion: version,
      },
      {
        customerId: 'C-0001',
        state: 'granted',
        effectiveState: 'granted',
        conflicted: false,
        noticeVersion: version,
      },
    ])
  })

  it('takes 10 000 ids, and refuses more, an unknown purpose and a bad id, naming the field', async () => {
    const { check, server } = await setup()
    const ids = Array.from({ length: MAX_CHECK_IDS }, (_, i) => `C-${String(i).padStart(7, '0')}`)
    const full = await check({ purposeId: 'marketing-sms', customerIds: ids })
    expect(full.status).toBe(200)
    expect(((await full.json()) as { results: unknown[] }).results).toHaveLength(MAX_CHECK_IDS)
    const cases: [unknown, string][] = [
      [{ purposeId: 'marketing-sms', customerIds: [...ids, 'C-1'] }, 'customerIds'],
      [{ purposeId: 'no-such-purpose', customerIds: ['C-0001'] }, 'purposeId'],
      [{ purposeId: 'marketing-sms', customerIds: ['C-0001', 'no spaces'] }, 'customerIds.1'],
      [{ purposeId: 'marketing-sms' }, 'customerIds'],
    ]
    for (const [body, field] of cases) {
      const res = await check(body)
      expect(res.status, field).toBe(400)
      expect(await res.json()).toMatchObject({ error: 'bad-request', field })
    }
    expect(
      (
        await check(
          { purposeId: 'marketing-sms', customerIds: [] },
          server.token({ id: 'C-0001', role: 'customer', customerId: 'C-0001' }),
        )
      ).status,
    ).toBe(403)
    expect(
      (await server.post('/api/consents/check', { purposeId: 'marketing-sms', customerIds: [] })).status,
    ).toBe(401)
  })
})

describe('GET /api/purposes/:id/allowed', () => {
  it('streams who is allowed with the mark, then with since every change after it', async () => {
    const { decide, server, service } = await setup()
    for (const id of ['C-0003', 'C-0001', 'C-0002']) await decide(id, 'marketing-sms', 'granted')
    await decide('C-0004', 'marketing-sms', 'withdrawn')
    const res = await server.get('/api/purposes/marketing-sms/allowed?format=jsonl', service)
    expect(res.status).toBe(200)
    const asOf = Number(res.headers.get(AS_OF_HEADER))
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines[0]).toEqual({ purposeId: 'marketing-sms', asOf, since: null })
    expect(lines.slice(1).map((l) => [l.customerId, l.effectiveState])).toEqual([
      ['C-0001', 'granted'],
      ['C-0002', 'granted'],
      ['C-0003', 'granted'],
    ])
    await decide('C-0002', 'marketing-sms', 'withdrawn', '2026-11-02T10:00:00.000Z')
    const since = await server.get(`/api/purposes/marketing-sms/allowed?format=csv&since=${asOf}`, service)
    const next = Number(since.headers.get(AS_OF_HEADER))
    expect(next).toBeGreaterThan(asOf)
    const csv = (await since.text()).trim().split('\r\n')
    expect(csv[0]).toBe(
      'customerId,effectiveState,state,conflicted,noticeVersion,decidedAt,expiresAt,changeSeq,asOf',
    )
    expect(csv.slice(1).map((l) => l.split(',').slice(0, 2))).toEqual([['C-0002', 'withdrawn']])
    expect(csv[1]!.endsWith(`,${next}`)).toBe(true)
    expect((await server.get('/api/purposes/no-such/allowed', service)).status).toBe(404)
    expect((await server.get('/api/purposes/marketing-sms/allowed?since=-1', service)).status).toBe(400)
  })
})
