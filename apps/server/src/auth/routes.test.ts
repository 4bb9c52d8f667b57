import { describe, expect, it } from 'vitest'
import { testServer } from '../testing/per-test'
import { verifyToken } from './tokens'

const start = () => testServer()

describe('POST /api/auth/login', () => {
  it('answers a token, its expiry and the user for a customer', async () => {
    const s = await start()
    const before = Date.now()
    const res = await s.post('/api/auth/login', { username: 'C-0002', password: 'consent-demo' })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { token: string; expiresAt: string; user: unknown }
    expect(body.user).toEqual({
      id: 'C-0002',
      role: 'customer',
      name: 'Kavindi Jayasinghe',
      customerId: 'C-0002',
    })
    const expires = Date.parse(body.expiresAt)
    expect(expires).toBeGreaterThanOrEqual(before + (s.config.tokenTtlSeconds - 2) * 1000)
    const verdict = verifyToken(s.app, body.token)
    expect(verdict).toMatchObject({
      ok: true,
      claims: { sub: 'C-0002', role: 'customer', customerId: 'C-0002' },
    })
  })

  it('answers staff without a customerId', async () => {
    const s = await start()
    const res = await s.post('/api/auth/login', { username: 'csr1', password: 'consent-demo' })
    const body = (await res.json()) as { user: unknown }
    expect(body.user).toEqual({ id: 'csr1', role: 'csr', name: 'Dilani Wickramasinghe' })
  })

  it('refuses a wrong password and an unknown user alike (401)', async () => {
    const s = await start()
    const wrong = await s.post('/api/auth/login', { username: 'csr1', password: 'nope' })
    const unknown = await s.post('/api/auth/login', { username: 'nobody', password: 'consent-demo' })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    const a = await wrong.json()
    expect(a).toEqual({ error: 'unauthorized', message: 'unknown username or wrong password' })
    expect(await unknown.json()).toEqual(a)
  })

  it('answers 400 naming the missing field', async () => {
    const s = await start()
    const res = await s.post('/api/auth/login', { username: 'csr1' })
    expect(res.status).toBe(400)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toMatchObject({ error: 'bad-request', field: 'password' })
    expect(body.message).toMatch(/password/)
    expect(JSON.stringify(body)).not.toMatch(/stack|at .*\.ts/)
  })

  it('answers 400 for an empty username and for a body that is not JSON', async () => {
    const s = await start()
    const empty = await s.post('/api/auth/login', { username: '', password: 'x' })
    expect(empty.status).toBe(400)
    expect(await empty.json()).toMatchObject({ error: 'bad-request', field: 'username' })
    const garbage = await s.post('/api/auth/login', '{"username": ')
    expect(garbage.status).toBe(400)
    expect(await garbage.json()).toMatchObject({ error: 'bad-request' })
  })
})

describe('login attempts', () => {
  it('answers 429 in the error shape once one username is guessed too often from one address', async () => {
    const s = await testServer({ env: { LOGIN_ATTEMPTS_PER_MINUTE: '3' } })
    for (let i = 0; i < 3; i++) {
      expect((await s.post('/api/auth/login', { username: 'csr1', password: `guess-${i}` })).status).toBe(401)
    }
    const limited = await s.post('/api/auth/login', { username: 'csr1', password: 'consent-demo' })
    expect(limited.status).toBe(429)
    expect(await limited.json()).toMatchObject({ error: 'too-many-requests', message: expect.any(String) })
    // Another account from the same address is counted on its own.
    expect((await s.post('/api/auth/login', { username: 'csr2', password: 'consent-demo' })).status).toBe(200)
  })
})

describe('POST /api/auth/refresh', () => {
  it('gives the holder of a valid token a fresh one for the same user', async () => {
    const s = await start()
    const old = s.token({ id: 'csr2', role: 'csr' }, 30)
    const res = await s.post('/api/auth/refresh', {}, old)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { token: string; user: unknown }
    expect(body.user).toEqual({ id: 'csr2', role: 'csr', name: 'Suresh Kumar' })
    const verdict = verifyToken(s.app, body.token)
    if (!verdict.ok) throw new Error(verdict.reason)
    expect(verdict.claims.sub).toBe('csr2')
    expect(verdict.claims.exp - verdict.claims.iat).toBe(s.config.tokenTtlSeconds)
  })

  it('answers 401 without a token, with a bad one and with an expired one', async () => {
    const s = await start()
    const none = await s.post('/api/auth/refresh', {})
    expect(none.status).toBe(401)
    expect(await none.json()).toEqual({ error: 'unauthorized', message: 'a bearer token is required' })
    const bad = await s.post('/api/auth/refresh', {}, 'not.a.token')
    expect(await bad.json()).toEqual({ error: 'unauthorized', message: 'the token is invalid' })
    const expired = await s.post('/api/auth/refresh', {}, s.token({ id: 'csr1', role: 'csr' }, -60))
    expect(expired.status).toBe(401)
    expect(await expired.json()).toEqual({ error: 'unauthorized', message: 'the token has expired' })
  })

  it('answers 401 for a token of an account that no longer exists', async () => {
    const s = await start()
    const res = await s.post('/api/auth/refresh', {}, s.token({ id: 'ghost', role: 'csr' }))
    expect(res.status).toBe(401)
  })
})

describe('GET /api/auth/methods', () => {
  it('tells the sign-in pages whether demo accounts exist and where the identity provider signs people in', async () => {
    const demo = await testServer()
    expect(await (await demo.get('/api/auth/methods')).json()).toEqual({
      password: true,
      demo: true,
      provider: null,
    })
    const withProvider = await testServer({
      env: {
        DEMO: 'false',
        OIDC_ISSUER: 'https://login.example.lk/realms/telco',
        OIDC_AUDIENCE: 'consent-sync',
        OIDC_JWKS_URL: 'https://login.example.lk/realms/telco/protocol/openid-connect/certs',
        OIDC_LOGIN_URL: 'https://app.example.lk/consent-sign-in',
      },
    })
    expect(await (await withProvider.get('/api/auth/methods')).json()).toEqual({
      password: true,
      demo: false,
      provider: {
        issuer: 'https://login.example.lk/realms/telco',
        loginUrl: 'https://app.example.lk/consent-sign-in',
      },
    })
  })
})
