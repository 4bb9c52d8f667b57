import { DEFAULT_CATALOG, findPurpose } from '@consent-sync/consent-core'
import { decodeProtectedHeader, type JSONWebKeySet } from 'jose'
import { describe, expect, it } from 'vitest'
import type { ConsentReceipt } from '../receipts/receipt'
import { verifyReceipt } from '../receipts/signing'
import { decideAs } from '../testing/decisions'
import { stockFor, testServer } from '../testing/per-test'
import { CSR_1, CUSTOMER_1, CUSTOMER_2, type TestServer } from '../testing/server'
import { until } from '../testing/until'

/** A customer's own grant from the web, then an agent's withdrawal by phone, both through sync. */
async function decided(s: TestServer) {
  const customer = stockFor(s, CUSTOMER_1)
  await customer.synced()
  const own = decideAs(customer.doc, CUSTOMER_1, 'marketing-sms', 'granted')
  await until(
    async () => (await s.ctx.store.auditChain('C-0001')).length === 1,
    5000,
    'customer decision stored',
  )
  const agent = stockFor(s, CSR_1)
  await agent.synced()
  await until(() => agent.doc.getArray('decisions').length === 1, 5000, 'agent sees the grant')
  const call = decideAs(agent.doc, CSR_1, 'marketing-sms', 'withdrawn', {
    evidence: 'call 4471: asked to stop SMS',
  })
  await until(
    async () => (await s.ctx.store.auditChain('C-0001')).length === 2,
    5000,
    'agent decision stored',
  )
  return { own, call }
}

async function jwksOf(s: TestServer): Promise<JSONWebKeySet> {
  const res = await s.get('/api/keys')
  expect(res.status).toBe(200)
  return (await res.json()) as JSONWebKeySet
}

describe('consent receipts', () => {
  it("issues a signed receipt with the TS 27560 fields for a customer's and an agent's decision", async () => {
    const s = await testServer()
    const { own, call } = await decided(s)
    const jwks = await jwksOf(s)
    const receiptKeys = jwks.keys.filter(
      (k) => (k as Record<string, unknown>)['x-consent-sync-use'] === 'receipt',
    )
    expect(receiptKeys).toHaveLength(1)
    expect(receiptKeys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' })
    for (const k of jwks.keys) expect(k).not.toHaveProperty('d')

    const res = await s.get('/api/customers/C-0001/receipts', s.token(CUSTOMER_1))
    expect(res.status).toBe(200)
    const { receipts } = (await res.json()) as {
      receipts: { decisionId: string; receipt: ConsentReceipt; jws: string }[]
    }
    expect(receipts.map((r) => r.decisionId)).toEqual([own.id, call.id])
    const chain = await s.ctx.store.auditChain('C-0001')
    const version = findPurpose(DEFAULT_CATALOG, 'marketing-sms')!
    for (const [i, r] of receipts.entries()) {
      expect(decodeProtectedHeader(r.jws)).toEqual({
        alg: 'EdDSA',
        kid: receiptKeys[0]!.kid,
        typ: 'consent-receipt+jws',
      })
      const verified = await verifyReceipt(r.jws, jwks)
      expect(verified).toMatchObject({ ok: true, value: r.receipt })
      const entry = chain[i]!
      expect(r.receipt).toMatchObject({
        consentReceiptID: entry.decisionId,
        piiPrincipalId: 'C-0001',
        jurisdiction: 'LK',
        consentTimestamp: Math.floor(Date.parse(entry.receivedAt) / 1000),
        piiControllers: [{ piiController: expect.any(String), email: expect.stringContaining('@') }],
        notice: {
          purposeId: 'marketing-sms',
          version: version.version,
          language: 'en',
          textHash: entry.noticeHash,
        },
        event: { time: entry.receivedAt, recordedBy: { id: entry.actorId, role: entry.actorRole } },
        withdrawal: { method: expect.stringContaining('') },
        audit: { seq: entry.seq, hash: entry.hash },
      })
      expect(r.receipt.notice.textHash).toMatch(/^[0-9a-f]{64}$/)
    }
    expect(receipts[0]!.receipt.event).toMatchObject({
      type: 'given',
      state: 'granted',
      channel: 'web',
      evidence: null,
    })
    expect(receipts[1]!.receipt.event).toMatchObject({
      type: 'withdrawn',
      state: 'withdrawn',
      channel: 'phone',
      recordedBy: { id: 'csr1', role: 'csr' },
      evidence: 'call 4471: asked to stop SMS',
    })
  })

  it('serves one receipt as a JWS, as JSON and as a printable page, to the customer and to an agent', async () => {
    const s = await testServer()
    const { call } = await decided(s)
    const jwks = await jwksOf(s)
    const jws = await s.get(`/api/receipts/${call.id}`, s.token(CUSTOMER_1))
    expect(jws.status).toBe(200)
    expect(jws.headers.get('content-type')).toContain('application/jose')
    const text = await jws.text()
    expect((await verifyReceipt(text, jwks)).ok).toBe(true)

    const agent = s.token(CSR_1)
    const json = await s.get(`/api/receipts/${call.id}?customerId=C-0001&format=json&lang=ta`, agent)
    expect(json.status).toBe(200)
    const body = (await json.json()) as { receipt: ConsentReceipt; jws: string }
    expect(body.receipt.notice.title).toBe(findPurpose(DEFAULT_CATALOG, 'marketing-sms')!.title.ta)
    expect((await verifyReceipt(body.jws, jwks)).ok).toBe(true)

    const html = await s.get(`/api/receipts/${call.id}?customerId=C-0001&format=html`, agent)
    expect(html.headers.get('content-type')).toContain('text/html')
    const page = await html.text()
    expect(page).toContain('call 4471: asked to stop SMS')
    expect(page).toContain(call.id)
    // The style is linked from the server too: a policy refusing inline styles still applies it.
    expect(page).toContain(`<link rel="stylesheet" href="${s.httpUrl}/api/evidence.css">`)
    const css = await s.get('/api/evidence.css')
    expect(css.headers.get('content-type')).toContain('text/css')

    // Staff may name the customer, or not; an unknown decision is a 404.
    expect((await s.get(`/api/receipts/${call.id}`, agent)).status).toBe(200)
    expect((await s.get('/api/receipts/no-such-decision?customerId=C-0001', agent)).status).toBe(404)
  })

  it("refuses a customer another customer's receipts (403)", async () => {
    const s = await testServer()
    const { own } = await decided(s)
    const other = s.token(CUSTOMER_2)
    expect((await s.get('/api/customers/C-0001/receipts', other)).status).toBe(403)
    expect((await s.get(`/api/receipts/${own.id}?customerId=C-0001`, other)).status).toBe(403)
    // Their own view of the id finds nothing: it is not in their chain.
    expect((await s.get(`/api/receipts/${own.id}`, other)).status).toBe(404)
    expect((await s.get('/api/customers/C-0001/receipts')).status).toBe(401)
    expect(
      (await s.get('/api/customers/C-0001/receipts', s.token({ id: 'svc', role: 'service' }))).status,
    ).toBe(403)
  })
})

describe('a receipt found by its decision id alone', () => {
  it('is served to staff without naming the customer, and to the customer it belongs to only', async () => {
    const s = await testServer()
    const { own } = await decided(s)
    const byAgent = await s.get(`/api/receipts/${own.id}?format=json`, s.token(CSR_1))
    expect(byAgent.status).toBe(200)
    expect(((await byAgent.json()) as { receipt: ConsentReceipt }).receipt.piiPrincipalId).toBe('C-0001')
    expect((await s.get(`/api/receipts/${own.id}`, s.token(CUSTOMER_1))).status).toBe(200)
    expect((await s.get(`/api/receipts/${own.id}`, s.token(CUSTOMER_2))).status).toBe(404)
    expect((await s.get('/api/receipts/no-such-decision', s.token(CSR_1))).status).toBe(404)
  })
})

describe('a receipt and the checkpoint that includes it', () => {
  it('carries no checkpoint until one is signed, then the newest one with its inclusion proof', async () => {
    const s = await testServer()
    const { own } = await decided(s)
    const receiptOf = async () => {
      const res = await s.get(`/api/receipts/${own.id}?customerId=C-0001`, s.token(CUSTOMER_1))
      expect(res.status).toBe(200)
      return verifyReceipt(await res.text(), await jwksOf(s))
    }
    const before = await receiptOf()
    expect(before.ok && before.value.checkpoint).toBe(undefined)
    const signed = await s.post('/api/admin/checkpoints', {}, s.token({ id: 'admin1', role: 'admin' }))
    expect(signed.status).toBe(201)
    const { size, root } = (await signed.json()) as { size: number; root: string }
    const after = await receiptOf()
    if (!after.ok) throw new Error(`receipt did not verify: ${JSON.stringify(after)}`)
    const checkpoint = after.value.checkpoint
    expect(checkpoint).toMatchObject({ size, root, origin: 'consent-sync.example/demo' })
    // The proof it points at answers for the customer's head at that size.
    const proof = await s.get(checkpoint!.inclusionProof, s.token(CUSTOMER_1))
    expect(proof.status).toBe(200)
  })
})
