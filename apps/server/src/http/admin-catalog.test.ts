import { request as httpRequest } from 'node:http'
import {
  DEFAULT_CATALOG,
  decide,
  noticeTextHash,
  type Purpose,
  type PurposeCatalog,
  verifyChain,
} from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import { verifyAdminChain } from '../audit/admin-chain'
import { verifyStore } from '../audit/verify'
import { afterTest, stockFor, testServer } from '../testing/per-test'
import { CUSTOMER_1, type TestServer } from '../testing/server'
import { until } from '../testing/until'

const ADMIN = { id: 'admin1', role: 'admin' } as const
const P = 'marketing-sms'
const sms = DEFAULT_CATALOG.purposes.find((p) => p.id === P)!

/** The texts of marketing-sms with its English notice changed, as an admin would draft them. */
const changed = (note: string) => ({
  title: sms.title,
  notice: { ...sms.notice, en: `${sms.notice.en} ${note}` },
})

async function purposes(s: TestServer): Promise<PurposeCatalog> {
  return (await (await s.get('/api/purposes')).json()) as PurposeCatalog
}

const publish = (s: TestServer, body: unknown, token = s.token(ADMIN)) =>
  s.post(`/api/admin/purposes/${P}/versions`, body, token)

/** The events of `GET /api/purposes/events` as they arrive. */
function catalogEvents(s: TestServer) {
  const versions: string[] = []
  const req = httpRequest(s.url('/api/purposes/events'), (res) => {
    let buffer = ''
    res.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const event = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const data = /^data: (.*)$/m.exec(event)?.[1]
        if (/^event: catalog$/m.test(event) && data)
          versions.push((JSON.parse(data) as { version: string }).version)
      }
    })
  })
  req.on('error', () => {})
  req.end()
  afterTest(() => req.destroy())
  return versions
}

describe('publishing the catalog (DESIGN §12)', () => {
  it('publishes a version live: the catalog, its event stream, the exact texts and the admin log', async () => {
    const s = await testServer()
    const before = await purposes(s)
    // The demo catalog is seeded as data: every purpose with its one version, hashed.
    expect(before.purposes.map((p) => [p.id, p.version])).toEqual(
      DEFAULT_CATALOG.purposes.map((p) => [p.id, p.version]),
    )
    expect(before.purposes.find((p) => p.id === P)?.textHash).toBe(noticeTextHash(P, '1.0', sms))
    const events = catalogEvents(s)
    await until(() => events.length === 1, 3000, 'the current version on connecting')
    expect(events[0]).toBe(before.version)

    const res = await publish(s, {
      version: '1.1',
      ...changed('Reply STOP to end them.'),
      material: true,
      lifetimeDays: 365,
    })
    expect(res.status).toBe(201)
    const { purpose } = (await res.json()) as { purpose: Purpose }
    expect(purpose).toMatchObject({
      id: P,
      version: '1.1',
      material: true,
      lifetimeDays: 365,
      status: 'active',
    })
    expect(purpose.versions?.map((v) => v.version)).toEqual(['1.1', '1.0'])

    const after = await purposes(s)
    expect(after.version).not.toBe(before.version)
    expect(after.purposes.find((p) => p.id === P)?.notice.en).toContain('Reply STOP')
    await until(() => events.length === 2, 3000, 'the publish on the event stream')
    expect(events[1]).toBe(after.version)

    // Both versions keep their exact texts.
    const old = await (await s.get(`/api/purposes/${P}/versions/1.0`)).json()
    expect(old).toMatchObject({
      purposeId: P,
      version: '1.0',
      notice: sms.notice,
      textHash: noticeTextHash(P, '1.0', sms),
    })
    const list = (await (await s.get(`/api/purposes/${P}/versions`)).json()) as {
      versions: { version: string }[]
    }
    expect(list.versions.map((v) => v.version)).toEqual(['1.1', '1.0'])
    expect((await s.get(`/api/purposes/${P}/versions/9.9`)).status).toBe(404)

    const log = (await (await s.get('/api/admin/audit', s.token(ADMIN))).json()) as {
      entries: { action: string; actorId: string; target: string }[]
    }
    expect(log.entries.at(-1)).toMatchObject({
      action: 'version.publish',
      actorId: 'admin1',
      target: `version:${P}@1.1`,
    })
    expect(verifyAdminChain(log.entries as never)).toMatchObject({ ok: true })
  })

  it('refuses a draft with a clear message naming the field, and stores nothing', async () => {
    const s = await testServer()
    const logBefore = await s.ctx.store.adminLog()
    const cases: [unknown, number, string, string?][] = [
      [
        { version: '1.1', title: sms.title, notice: { ...sms.notice, ta: ' ' }, material: false },
        400,
        'missing-language',
        'notice.ta',
      ],
      [
        { version: '1.1', title: { en: 'x', si: 'y' }, notice: sms.notice, material: false },
        400,
        'missing-language',
        'title.ta',
      ],
      [{ version: '1.0', ...changed('again'), material: false }, 409, 'version-exists'],
      [{ version: '=1+2', ...changed('x'), material: false }, 400, 'invalid-field', 'version'],
      [
        { version: '1.1', ...changed('x'), material: false, reconsent: 'required' },
        400,
        'invalid-field',
        'reconsent',
      ],
      [
        { version: '1.1', ...changed('x'), material: true, lifetimeDays: 0 },
        400,
        'invalid-field',
        'lifetimeDays',
      ],
    ]
    for (const [body, status, error, field] of cases) {
      const res = await publish(s, body)
      const problem = (await res.json()) as { error: string; message: string; field?: string }
      expect([res.status, problem.error, problem.field], problem.message).toEqual([status, error, field])
      expect(problem.message.length).toBeGreaterThan(10)
    }
    expect(
      (
        await publish(
          s,
          { version: '1.1', ...changed('x'), material: false },
          s.token({ id: 'csr1', role: 'csr' }),
        )
      ).status,
    ).toBe(403)
    expect(
      (
        await s.post(
          '/api/admin/purposes/no-such/versions',
          { version: '1.1', ...changed('x'), material: false },
          s.token(ADMIN),
        )
      ).status,
    ).toBe(404)
    expect(await s.ctx.store.adminLog()).toEqual(logBefore)
    expect((await purposes(s)).purposes.find((p) => p.id === P)?.version).toBe('1.0')
  })

  it('creates a purpose and retires one: retired takes withdrawals, refuses grants (4422 purpose-retired)', async () => {
    const s = await testServer()
    const created = await s.post(
      '/api/admin/purposes',
      { id: 'roaming-offers', default: 'withdrawn', version: '1.0', ...changed('Roaming.'), material: false },
      s.token(ADMIN),
    )
    expect(created.status).toBe(201)
    expect((await purposes(s)).purposes.at(-1)?.id).toBe('roaming-offers')
    const again = await s.post(
      '/api/admin/purposes',
      { id: 'roaming-offers', default: 'withdrawn', version: '1.1', ...changed('x'), material: false },
      s.token(ADMIN),
    )
    expect([again.status, ((await again.json()) as { error: string }).error]).toEqual([409, 'purpose-exists'])

    // A customer who granted before the retirement can still withdraw after it.
    const customer = stockFor(s, CUSTOMER_1, 'C-0001', { acks: true })
    await customer.synced()
    const grant = () =>
      decide(customer.doc, {
        purposeId: P,
        state: 'granted',
        actor: { id: 'C-0001', role: 'customer' },
        channel: 'web',
        noticeVersion: '1.0',
      })
    grant()
    await until(async () => (await s.ctx.store.auditChain('C-0001')).length === 1, 5000, 'the grant stored')
    expect((await s.post(`/api/admin/purposes/${P}/retire`, {}, s.token(ADMIN))).status).toBe(200)
    expect((await purposes(s)).purposes.find((p) => p.id === P)?.status).toBe('retired')
    const retiredAgain = await s.post(`/api/admin/purposes/${P}/retire`, {}, s.token(ADMIN))
    expect(retiredAgain.status).toBe(409)

    decide(customer.doc, {
      purposeId: P,
      state: 'withdrawn',
      actor: { id: 'C-0001', role: 'customer' },
      channel: 'web',
      noticeVersion: '1.0',
    })
    await until(
      async () => (await s.ctx.store.auditChain('C-0001')).length === 2,
      5000,
      'the withdrawal stored',
    )
    grant()
    await until(() => customer.closes.length > 0, 5000, 'the grant refused')
    expect(customer.closes[0]).toMatchObject({ code: 4422 })
    expect(customer.closes[0]?.reason).toMatch(/^purpose-retired/)
    const consents = (await (await s.get('/api/customers/C-0001/consents', s.token(ADMIN))).json()) as {
      purposes: { purposeId: string; state: string; effectiveState: string }[]
    }
    expect(consents.purposes.find((p) => p.purposeId === P)).toMatchObject({
      state: 'withdrawn',
      effectiveState: 'withdrawn',
    })
  })
})

describe('decisions point at the text (consent-core SPEC 2.11, 4.5)', () => {
  it('accepts a decision under the previous version from an offline device and audits that version’s hash', async () => {
    const s = await testServer()
    const customer = stockFor(s, CUSTOMER_1, 'C-0001', { acks: true })
    await customer.synced()
    customer.provider.disconnect()
    // Offline, the device shows version 1.0 and the customer grants under it; meanwhile 1.1 is out.
    decide(customer.doc, {
      purposeId: P,
      state: 'granted',
      actor: { id: 'C-0001', role: 'customer' },
      channel: 'app',
      noticeVersion: '1.0',
    })
    expect((await publish(s, { version: '1.1', ...changed('Now weekly.'), material: false })).status).toBe(
      201,
    )
    // And a version nobody published is refused when it arrives.
    customer.provider.connect()
    await until(
      async () => (await s.ctx.store.auditChain('C-0001')).length === 1,
      5000,
      'the offline grant stored',
    )
    const [entry] = await s.ctx.store.auditChain('C-0001')
    expect(entry).toMatchObject({ noticeVersion: '1.0', noticeHash: noticeTextHash(P, '1.0', sms) })
    decide(customer.doc, {
      purposeId: P,
      state: 'withdrawn',
      actor: { id: 'C-0001', role: 'customer' },
      channel: 'app',
      noticeVersion: '1.1',
    })
    await until(
      async () => (await s.ctx.store.auditChain('C-0001')).length === 2,
      5000,
      'the withdrawal under 1.1',
    )
    const second = (await s.ctx.store.auditChain('C-0001'))[1]
    expect(second?.noticeHash).toBe(noticeTextHash(P, '1.1', changed('Now weekly.')))

    decide(customer.doc, {
      purposeId: P,
      state: 'granted',
      actor: { id: 'C-0001', role: 'customer' },
      channel: 'app',
      noticeVersion: '1.2',
    })
    await until(() => customer.closes.length > 0, 5000, 'the unpublished version refused')
    expect(customer.closes[0]).toMatchObject({ code: 4422 })
    expect(customer.closes[0]?.reason).toMatch(/^unknown-notice-version/)

    const chain = await s.ctx.store.auditChain('C-0001')
    expect(chain).toHaveLength(2)
    expect(verifyChain(chain).ok).toBe(true)
    const { catalogOf } = await import('@consent-sync/consent-core')
    const catalog = catalogOf(await s.ctx.store.listPurposes(), await s.ctx.store.listVersions())
    expect((await verifyStore(s.ctx.store, catalog)).problems).toEqual([])
  })
})

describe('re-consent and expiry in GET /api/customers/:id/consents (consent-core SPEC 3.8–3.10)', () => {
  it('reads needsReconsent, expiresAt and the effective state at a fixed clock', async () => {
    let now = Date.parse('2026-12-01T00:00:00Z')
    const s = await testServer({ now: () => now })
    expect(
      (await publish(s, { version: '1.1', ...changed('Monthly.'), material: false, lifetimeDays: 30 }))
        .status,
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
    const read = async () => {
      const body = (await (await s.get('/api/customers/C-0001/consents', s.token(ADMIN))).json()) as {
        purposes: Record<string, unknown>[]
      }
      return body.purposes.find((p) => p.purposeId === P)
    }
    const expiresAt = new Date(Date.parse(grant!.receivedAt) + 30 * 86_400_000).toISOString()
    expect(await read()).toMatchObject({
      state: 'granted',
      effectiveState: 'granted',
      needsReconsent: false,
      expiresAt,
      expired: false,
    })

    // A material change with `prompt`: asked again, still granted.
    expect((await publish(s, { version: '2.0', ...changed('Partners too.'), material: true })).status).toBe(
      201,
    )
    expect(await read()).toMatchObject({
      effectiveState: 'granted',
      needsReconsent: true,
      reconsent: 'prompt',
    })
    // Past the lifetime: expired, withdrawn in effect.
    now = Date.parse(expiresAt) + 1
    expect(await read()).toMatchObject({ state: 'granted', effectiveState: 'withdrawn', expired: true })
    // `required` voids the old grant whatever its lifetime.
    now = Date.parse('2026-12-01T00:00:00Z')
    expect(
      (await publish(s, { version: '3.0', ...changed('Required.'), material: true, reconsent: 'required' }))
        .status,
    ).toBe(201)
    expect(await read()).toMatchObject({
      effectiveState: 'withdrawn',
      needsReconsent: true,
      reconsent: 'required',
    })
  })
})
