import { describe, expect, it } from 'vitest'
import { appendDecisions, decision } from '../testing/decisions'
import { testServer } from '../testing/per-test'

const start = () => testServer()

interface PurposeRow {
  purposeId: string
  state: string
  conflicted: boolean
  decidedAt: string | null
  decidedBy: { id: string; role: string } | null
  channel: string | null
  noticeVersion: string | null
  decisionId: string | null
  heads: string[]
}

describe('GET /api/customers', () => {
  it('finds customers by name, id and phone digits for a CSR', async () => {
    const s = await start()
    const token = s.token({ id: 'csr1', role: 'csr' })
    const byName = await s.get('/api/customers?q=perera', token)
    expect(byName.status).toBe(200)
    expect(await byName.json()).toEqual({
      customers: [{ id: 'C-0001', name: 'Nimal Perera', phone: '+94 77 123 4567' }],
    })
    const byId = (await (await s.get('/api/customers?q=C-0004', token)).json()) as {
      customers: { id: string }[]
    }
    expect(byId.customers.map((c) => c.id)).toEqual(['C-0004'])
    const byPhone = (await (
      await s.get(`/api/customers?q=${encodeURIComponent('+94 771234567')}`, token)
    ).json()) as {
      customers: { id: string }[]
    }
    expect(byPhone.customers.map((c) => c.id)).toEqual(['C-0001'])
    const all = (await (await s.get('/api/customers?limit=3', token)).json()) as { customers: unknown[] }
    expect(all.customers).toHaveLength(3)
  })

  it('answers the e-mail and account number the directory holds', async () => {
    const s = await start()
    await s.ctx.store.upsertCustomer({
      id: 'C-0100',
      name: 'Ashan Silva',
      phone: '+94 77 111 2223',
      email: 'ashan@example.lk',
      accountNumber: 'ACC-100100',
    })
    const found = await s.get('/api/customers?q=C-0100', s.token({ id: 'csr1', role: 'csr' }))
    expect(await found.json()).toEqual({
      customers: [
        {
          id: 'C-0100',
          name: 'Ashan Silva',
          phone: '+94 77 111 2223',
          email: 'ashan@example.lk',
          accountNumber: 'ACC-100100',
        },
      ],
    })
  })

  it('refuses customers (403) and anonymous callers (401)', async () => {
    const s = await start()
    const asCustomer = await s.get(
      '/api/customers?q=a',
      s.token({ id: 'C-0001', role: 'customer', customerId: 'C-0001' }),
    )
    expect(asCustomer.status).toBe(403)
    expect(await asCustomer.json()).toMatchObject({ error: 'forbidden' })
    expect((await s.get('/api/customers?q=a')).status).toBe(401)
  })

  it('answers 400 naming the field for a bad limit', async () => {
    const s = await start()
    const res = await s.get('/api/customers?limit=0', s.token({ id: 'csr1', role: 'csr' }))
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: 'bad-request', field: 'limit' })
  })
})

describe('GET /api/customers/:id', () => {
  it('answers the customer to staff and to that customer only', async () => {
    const s = await start()
    const own = await s.get(
      '/api/customers/C-0003',
      s.token({ id: 'C-0003', role: 'customer', customerId: 'C-0003' }),
    )
    expect(await own.json()).toEqual({ id: 'C-0003', name: 'Tharindu Fernando', phone: '+94 76 345 6789' })
    const other = await s.get(
      '/api/customers/C-0003',
      s.token({ id: 'C-0001', role: 'customer', customerId: 'C-0001' }),
    )
    expect(other.status).toBe(403)
    const missing = await s.get('/api/customers/C-9999', s.token({ id: 'admin1', role: 'admin' }))
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ error: 'not-found', message: 'no customer C-9999' })
  })
})

describe('GET /api/customers/:id/consents', () => {
  it('folds the decisions: defaults, a single head, and a conflict where the withdrawal wins', async () => {
    const s = await start()
    const first = decision({ purposeId: 'marketing-sms', state: 'granted' })
    const byCustomer = decision({
      purposeId: 'marketing-sms',
      state: 'granted',
      supersedes: [first.id],
      at: '2026-11-02T12:00:00.000Z',
    })
    const byAgent = decision({
      purposeId: 'marketing-sms',
      state: 'withdrawn',
      supersedes: [first.id],
      at: '2026-11-02T11:00:00.000Z',
      actor: { id: 'csr1', role: 'csr' },
      channel: 'phone',
      noticeVersion: '1.0',
      evidence: 'call 42',
    })
    const offers = decision({ purposeId: 'personalised-offers', state: 'granted', noticeVersion: '1.2' })
    // Stored in this order, as replicas that met in this order would hold them: the fold ignores it.
    await appendDecisions(
      s.ctx.store,
      'C-0001',
      [byAgent, first, offers, byCustomer],
      { id: 'csr1', role: 'csr' },
      '2026-11-02T12:30:00.000Z',
    )

    const res = await s.get('/api/customers/C-0001/consents', s.token({ id: 'csr2', role: 'csr' }))
    expect(res.status).toBe(200)
    const body = (await res.json()) as { customerId: string; purposes: PurposeRow[] }
    expect(body.customerId).toBe('C-0001')
    expect(body.purposes.map((p) => p.purposeId)).toEqual(s.ctx.catalog.current().purposes.map((p) => p.id))
    const sms = body.purposes.find((p) => p.purposeId === 'marketing-sms')
    expect(sms).toEqual({
      purposeId: 'marketing-sms',
      state: 'withdrawn',
      conflicted: true,
      decidedAt: byAgent.at,
      decidedBy: { id: 'csr1', role: 'csr' },
      channel: 'phone',
      noticeVersion: '1.0',
      decisionId: byAgent.id,
      heads: [byAgent.id, byCustomer.id],
      effectiveState: 'withdrawn',
      needsReconsent: false,
      expired: false,
      expiresAt: null,
      reconsent: null,
    })
    expect(body.purposes.find((p) => p.purposeId === 'personalised-offers')).toMatchObject({
      state: 'granted',
      conflicted: false,
      decisionId: offers.id,
      decidedBy: { id: 'C-0001', role: 'customer' },
      heads: [offers.id],
    })
    expect(body.purposes.find((p) => p.purposeId === 'partner-sharing')).toEqual({
      purposeId: 'partner-sharing',
      state: 'withdrawn',
      conflicted: false,
      decidedAt: null,
      decidedBy: null,
      channel: null,
      noticeVersion: null,
      decisionId: null,
      heads: [],
      effectiveState: 'withdrawn',
      needsReconsent: false,
      expired: false,
      expiresAt: null,
      reconsent: null,
    })
  })

  it('lets the customer, staff and service accounts read, and no other customer', async () => {
    const s = await start()
    const path = '/api/customers/C-0002/consents'
    expect(
      (await s.get(path, s.token({ id: 'C-0002', role: 'customer', customerId: 'C-0002' }))).status,
    ).toBe(200)
    expect((await s.get(path, s.token({ id: 'admin1', role: 'admin' }))).status).toBe(200)
    expect((await s.get(path, s.token({ id: 'crm', role: 'service' }))).status).toBe(200)
    const other = await s.get(path, await s.login('C-0001'))
    expect(other.status).toBe(403)
    expect(await other.json()).toEqual({
      error: 'forbidden',
      message: 'a customer may read only their own consents',
    })
    expect((await s.get(path)).status).toBe(401)
  })

  it('answers 404 for an unknown customer and 400 for a malformed id', async () => {
    const s = await start()
    const token = s.token({ id: 'csr1', role: 'csr' })
    expect((await s.get('/api/customers/C-0404/consents', token)).status).toBe(404)
    const bad = await s.get('/api/customers/%24bad%20id/consents', token)
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ error: 'bad-request', field: 'id' })
  })
})
