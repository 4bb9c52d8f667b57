import { verifyChain } from '@consent-sync/consent-core'
import type { JSONWebKeySet } from 'jose'
import { describe, expect, it } from 'vitest'
import { verifyAdminChain } from '../audit/admin-chain'
import { verifyBundle } from '../receipts/export-bundle'
import { verifyReceipt } from '../receipts/signing'
import { decideAs } from '../testing/decisions'
import { stockFor, testServer } from '../testing/per-test'
import { ADMIN, CSR_1, CUSTOMER_1, CUSTOMER_2, type TestServer } from '../testing/server'
import { until } from '../testing/until'

async function decided(s: TestServer) {
  const customer = stockFor(s, CUSTOMER_1)
  await customer.synced()
  decideAs(customer.doc, CUSTOMER_1, 'marketing-sms', 'granted')
  decideAs(customer.doc, CUSTOMER_1, 'marketing-email', 'granted')
  await until(async () => (await s.ctx.store.auditChain('C-0001')).length === 2, 5000, 'decisions stored')
}

const jwksOf = async (s: TestServer) => (await (await s.get('/api/keys')).json()) as JSONWebKeySet

describe('GET /api/customers/:id/export', () => {
  it('gives the customer everything held about them as one bundle that verifies', async () => {
    const s = await testServer()
    await decided(s)
    const res = await s.get('/api/customers/C-0001/export', s.token(CUSTOMER_1))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="consent-data-C-0001-/)
    const bundle = (await res.json()) as Record<string, unknown> & {
      audit: Parameters<typeof verifyChain>[0]
      decisions: { id: string; noticeVersion: string; purposeId: string }[]
      receipts: { decisionId: string; jws: string }[]
      notices: { purposeId: string; version: string; notice: Record<string, string> }[]
      profile: { id: string; name: string }
    }
    expect(bundle.format).toBe('consent-sync-export/1')
    expect(bundle.profile).toEqual(await s.ctx.store.getCustomer('C-0001'))
    expect(bundle.decisions).toEqual(await s.ctx.rooms.readDecisions('C-0001'))
    expect(bundle.audit).toEqual(await s.ctx.store.auditChain('C-0001'))
    expect(verifyChain(bundle.audit).ok).toBe(true)
    const jwks = await jwksOf(s)
    expect(bundle.receipts.map((r) => r.decisionId)).toEqual(bundle.decisions.map((d) => d.id))
    for (const r of bundle.receipts) expect((await verifyReceipt(r.jws, jwks)).ok).toBe(true)
    expect(bundle.notices.map((n) => `${n.purposeId}@${n.version}`).sort()).toEqual(
      bundle.decisions.map((d) => `${d.purposeId}@${d.noticeVersion}`).sort(),
    )
    for (const n of bundle.notices) expect(Object.keys(n.notice).sort()).toEqual(['en', 'si', 'ta'])
    // A readable page inside the bundle, covered by its signature like the rest.
    expect(bundle.html).toMatch(/^<!doctype html>/)
    expect(bundle.html).toContain('Everything held about Nimal Perera (C-0001)')
    for (const r of bundle.receipts) expect(bundle.html).toContain(r.decisionId)

    const checked = await verifyBundle(bundle, jwks)
    expect(checked).toMatchObject({ ok: true, digest: { customerId: 'C-0001' } })
    // One changed byte of what it holds, and the signature no longer covers it.
    const altered = { ...bundle, profile: { ...bundle.profile, name: 'Someone Else' } }
    expect(await verifyBundle(altered, jwks)).toMatchObject({ ok: false, reason: 'digest-mismatch' })
  })

  it('gives a readable page with ?format=html', async () => {
    const s = await testServer()
    await decided(s)
    const res = await s.get('/api/customers/C-0001/export?format=html', s.token(CUSTOMER_1))
    expect(res.headers.get('content-type')).toContain('text/html')
    const page = await res.text()
    expect(page).toContain('Everything held about')
    expect(page).toContain('Notice texts you decided under')
  })

  it('lets an admin or an auditor export, logged in the admin log; refuses another customer and agents', async () => {
    const s = await testServer()
    await decided(s)
    expect((await s.get('/api/customers/C-0001/export', s.token(CUSTOMER_2))).status).toBe(403)
    expect((await s.get('/api/customers/C-0001/export', s.token(CSR_1))).status).toBe(403)
    expect((await s.get('/api/customers/C-0001/export')).status).toBe(401)
    const before = (await s.ctx.store.adminLog()).length
    // The customer's own download is theirs, not an administrative act.
    await (await s.get('/api/customers/C-0001/export', s.token(CUSTOMER_1))).json()
    expect(await s.ctx.store.adminLog()).toHaveLength(before)

    expect((await s.get('/api/customers/C-0001/export', s.token(ADMIN))).status).toBe(200)
    const auditor = s.token({ id: 'dpo1', role: 'auditor' })
    expect((await s.get('/api/customers/C-0001/export?format=html', auditor)).status).toBe(200)
    const log = await s.ctx.store.adminLog()
    expect(log.slice(before)).toMatchObject([
      { action: 'customer.export', target: 'customer:C-0001', actorId: 'admin1', actorRole: 'admin' },
      { action: 'customer.export', target: 'customer:C-0001', actorId: 'dpo1', actorRole: 'auditor' },
    ])
    expect(verifyAdminChain(log).ok).toBe(true)
    expect((await s.get('/api/customers/C-9999/export', s.token(ADMIN))).status).toBe(404)
  })
})
