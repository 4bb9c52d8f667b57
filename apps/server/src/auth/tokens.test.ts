import fastifyJwt from '@fastify/jwt'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { signToken, tokenOf, verifyToken } from './tokens'

async function setup(secret = 'a-test-secret-that-is-long-enough-for-hs256') {
  const app = Fastify()
  await app.register(fastifyJwt, { secret })
  await app.ready()
  return { app, cleanup: () => app.close() }
}

describe('verifyToken', () => {
  it('accepts a token it signed, with its claims and expiry', async () => {
    const { app, cleanup } = await setup()
    const { token, claims } = signToken(
      app,
      { id: 'C-0001', role: 'customer', name: 'N', customerId: 'C-0001' },
      60,
    )
    expect(verifyToken(app, token)).toEqual({ ok: true, claims })
    expect(claims.exp - claims.iat).toBe(60)
    await cleanup()
  })

  it('names why a token is refused: missing, invalid, expired', async () => {
    const { app, cleanup } = await setup()
    const other = await setup('another-secret-that-is-long-enough-for-hs256')
    expect(verifyToken(app, undefined)).toEqual({ ok: false, reason: 'missing' })
    expect(verifyToken(app, '')).toEqual({ ok: false, reason: 'missing' })
    expect(verifyToken(app, 'abc.def.ghi')).toEqual({ ok: false, reason: 'invalid' })
    const foreign = signToken(other.app, { id: 'csr1', role: 'csr', name: 'x' }, 60).token
    expect(verifyToken(app, foreign)).toEqual({ ok: false, reason: 'invalid' })
    const expired = signToken(app, { id: 'csr1', role: 'csr', name: 'x' }, -1).token
    expect(verifyToken(app, expired)).toEqual({ ok: false, reason: 'expired' })
    await cleanup()
    await other.cleanup()
  })

  it('refuses well-signed tokens whose claims are not ours', async () => {
    const { app, cleanup } = await setup()
    const iat = Math.floor(Date.now() / 1000)
    const sign = (payload: object) => app.jwt.sign(payload as never)
    expect(
      verifyToken(app, sign({ sub: 'C-0001', role: 'customer', name: 'x', iat, exp: iat + 60 })).ok,
    ).toBe(false)
    expect(verifyToken(app, sign({ sub: 'x', role: 'root', name: 'x', iat, exp: iat + 60 })).ok).toBe(false)
    expect(verifyToken(app, sign({ role: 'csr', name: 'x', iat, exp: iat + 60 })).ok).toBe(false)
    await cleanup()
  })
})

describe('tokenOf', () => {
  it('reads the bearer header, and the query only where allowed', () => {
    expect(tokenOf({ authorization: 'Bearer abc' }, {}, false)).toBe('abc')
    expect(tokenOf({}, { token: 'q' }, false)).toBeUndefined()
    expect(tokenOf({}, { token: 'q' }, true)).toBe('q')
    // A malformed header is passed on whole, so it is refused as invalid rather than missing.
    expect(tokenOf({ authorization: 'Basic Zm9v' }, {}, true)).toBe('Basic Zm9v')
  })
})
