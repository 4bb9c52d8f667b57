import { encodeRefreshToken } from '@consent-sync/protocol'
import { SignJWT, UnsecuredJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawClient } from '../testing/clients'
import { decideAs } from '../testing/decisions'
import { type IdentityProvider, startIdentityProvider } from '../testing/identity-provider'
import { afterTest, stockFor, testServer } from '../testing/per-test'
import { until } from '../testing/until'

let idp: IdentityProvider
let rsa: string

beforeAll(async () => {
  idp = await startIdentityProvider()
  rsa = await idp.addKey('RS256')
})
afterAll(() => idp.close())

const customer = {
  sub: 'b1f6c1de-cust-0001',
  groups: ['telco-customers'],
  customerId: 'C-0001',
  name: 'Nimal',
}
const agent = { sub: 'agent-7f3a', groups: ['staff', 'agents'], name: 'Dilani W.' }

async function sessionOf(s: Awaited<ReturnType<typeof testServer>>, token: string) {
  const res = await s.get('/api/auth/session', token)
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

describe('tokens from the identity provider', () => {
  it('are accepted signed with RS256, ES256 and EdDSA, their claims mapped to a consent-sync user', async () => {
    const s = await testServer({ env: idp.env() })
    const es = await idp.addKey('ES256')
    const ed = await idp.addKey('EdDSA')
    for (const kid of [rsa, es, ed]) {
      const answer = await sessionOf(s, await idp.sign(customer, { kid }))
      expect(answer.status).toBe(200)
      // A customer is known by their customer id, whatever the provider's subject.
      expect(answer.body.user).toEqual({
        id: 'C-0001',
        role: 'customer',
        name: 'Nimal',
        customerId: 'C-0001',
      })
    }
    const staff = await sessionOf(s, await idp.sign(agent))
    expect(staff.body.user).toEqual({ id: 'agent-7f3a', role: 'csr', name: 'Dilani W.' })
    // The customer's own consents, with the provider's token.
    const consents = await s.get('/api/customers/C-0001/consents', await idp.sign(customer))
    expect(consents.status).toBe(200)
    const other = await s.get('/api/customers/C-0002/consents', await idp.sign(customer))
    expect(other.status).toBe(403)
  })

  it('map roles by the configured claim, first entry of the map first, nested claims by a dotted path', async () => {
    const s = await testServer({
      env: idp.env({ OIDC_ROLE_CLAIM: 'realm_access.roles', OIDC_ROLE_MAP: 'dpo=auditor,agents=csr' }),
    })
    const both = await idp.sign({ sub: 'u1', realm_access: { roles: ['agents', 'dpo'] } })
    const answer = await sessionOf(s, both)
    expect(answer.body.user).toMatchObject({ id: 'u1', role: 'auditor', name: 'u1' })
    const none = await sessionOf(s, await idp.sign({ sub: 'u2', realm_access: { roles: ['guests'] } }))
    expect(none.status).toBe(401)
    expect(none.body.message).toMatch(/no role in claim realm_access.roles/)
    const noCustomer = await sessionOf(
      s,
      await idp.sign({ sub: 'u3', realm_access: { roles: ['customer'] } }),
    )
    expect(noCustomer.status).toBe(401)
    expect(noCustomer.body.message).toMatch(/customerId claim/)
  })

  it('are refused from another issuer, for another audience, expired, or forged', async () => {
    const s = await testServer({ env: idp.env({ OIDC_CLOCK_TOLERANCE_SECONDS: '30' }) })
    const refused = async (token: string) => (await sessionOf(s, token)).status
    expect(await refused(await idp.sign(agent, { issuer: 'https://evil.example' }))).toBe(401)
    expect(await refused(await idp.sign(agent, { audience: 'another-app' }))).toBe(401)
    const expired = await sessionOf(s, await idp.sign(agent, { expiresIn: -120 }))
    expect(expired).toMatchObject({ status: 401, body: { message: 'the token has expired' } })
    // Within the clock tolerance: still good.
    expect(await refused(await idp.sign(agent, { expiresIn: -10 }))).toBe(200)
    // Signed by a key the provider never published, under a published kid or its own.
    const rogue = await idp.unpublishedKey('RS256')
    expect(await refused(await idp.sign(agent, { kid: rogue }))).toBe(401)
    const forged = (await idp.sign(agent, { kid: rogue })).split('.')
    const published = (await idp.sign(agent)).split('.')
    expect(await refused(`${published[0]}.${forged[1]}.${forged[2]}`)).toBe(401)
    // No signature at all.
    const unsigned = new UnsecuredJWT({ ...agent })
      .setIssuer(idp.issuer)
      .setAudience('consent-sync')
      .setExpirationTime('1h')
      .encode()
    expect(await refused(unsigned)).toBe(401)
  })

  it('cannot be passed off as the server’s own HS256 tokens, with the public key as the secret', async () => {
    const s = await testServer({ env: idp.env() })
    const jwk = idp.publicJwk(rsa)
    const secret = new TextEncoder().encode(JSON.stringify(jwk))
    const now = Math.floor(Date.now() / 1000)
    const confused = await new SignJWT({ ...agent, role: 'admin' })
      .setProtectedHeader({ alg: 'HS256', kid: rsa })
      .setIssuer(idp.issuer)
      .setAudience('consent-sync')
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(secret)
    expect((await sessionOf(s, confused)).status).toBe(401)
    // And the server's own tokens still work beside the provider's.
    expect((await sessionOf(s, s.token({ id: 'csr1', role: 'csr' }))).status).toBe(200)
  })

  it('keep working across a key rotation without a restart, and stop for a key rotated out', async () => {
    const s = await testServer({ env: idp.env({ OIDC_JWKS_MAX_AGE_SECONDS: '1' }) })
    const first = await idp.sign(agent, { kid: rsa })
    expect((await sessionOf(s, first)).status).toBe(200)
    const fetches = idp.jwksFetches
    // The provider publishes a new key and signs with it: the unknown kid fetches the set again.
    const next = await idp.addKey('ES256')
    expect((await sessionOf(s, await idp.sign(agent, { kid: next }))).status).toBe(200)
    expect(idp.jwksFetches).toBe(fetches + 1)
    // Cached: the same key does not fetch again.
    expect((await sessionOf(s, await idp.sign(agent, { kid: next }))).status).toBe(200)
    expect(idp.jwksFetches).toBe(fetches + 1)
    // The old key is withdrawn; once the cached set is older than its max age, its tokens fail.
    idp.removeKey(rsa)
    await new Promise((r) => setTimeout(r, 1100))
    expect((await sessionOf(s, first)).status).toBe(401)
    rsa = await idp.addKey('RS256')
  })

  it('answer 503 (HTTP) and 1013 (sync) while the provider cannot be reached, and work again after', async () => {
    const s = await testServer({ env: idp.env() })
    const token = await idp.sign(agent, { kid: await idp.addKey('RS256') })
    idp.down()
    afterTest(() => idp.up())
    const res = await s.get('/api/auth/session', token)
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('5')
    const raw = await rawClient(`${s.syncUrl}/C-0001?token=${encodeURIComponent(token)}`)
    expect((await raw.waitClosed()).code).toBe(1013)
    idp.up()
    expect((await s.get('/api/auth/session', token)).status).toBe(200)
  })

  it('open the sync endpoint: a stock client syncs and an agent decides, and a refresh keeps the connection', async () => {
    const s = await testServer({ env: idp.env() })
    const agentToken = await idp.sign(agent, { expiresIn: 3 })
    const writer = stockFor(s, { id: 'agent-7f3a', role: 'csr' }, 'C-0001', { token: agentToken })
    await writer.synced()
    decideAs(writer.doc, { id: 'agent-7f3a', role: 'csr' }, 'marketing-sms', 'granted', {
      evidence: 'call 0042',
    })
    const reader = stockFor(s, { id: 'C-0001', role: 'customer' }, 'C-0001', {
      token: await idp.sign(customer),
    })
    await reader.synced()
    await until(() => reader.doc.getArray('decisions').length === 1, 5000, 'decision synced')
    const entries = await s.get('/api/audit?customerId=C-0001', await idp.sign(agent))
    const body = (await entries.json()) as { entries: { actorId: string; actorRole: string }[] }
    expect(body.entries.map((e) => [e.actorId, e.actorRole])).toEqual([['agent-7f3a', 'csr']])
    // A fresh provider token on the open connection pushes its expiry back.
    writer.provider.ws?.send(encodeRefreshToken(await idp.sign(agent)))
    await new Promise((r) => setTimeout(r, 3500))
    expect(writer.closes).toEqual([])
    // Another user's token on the same connection closes it.
    writer.provider.ws?.send(encodeRefreshToken(await idp.sign({ ...agent, sub: 'someone-else' })))
    await until(() => writer.closes.length > 0, 5000, 'closed')
    expect(writer.closes[0]?.code).toBe(4401)
  })

  it('are renewed at the provider, not by the server', async () => {
    const s = await testServer({ env: idp.env() })
    const res = await s.post('/api/auth/refresh', {}, await idp.sign(agent))
    expect(res.status).toBe(401)
    expect(((await res.json()) as { message: string }).message).toMatch(/identity provider/)
  })
})
