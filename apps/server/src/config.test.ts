import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, DEMO_JWT_SECRET, loadConfig } from './config'

const SECRET = 'a-production-secret-of-more-than-32-characters'

/** The ConfigError that loading `env` throws. */
function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, '/srv/app')
  } catch (err) {
    if (err instanceof ConfigError) return err
    throw err
  }
  throw new Error('loadConfig did not throw')
}

describe('loadConfig', () => {
  it('defaults to demo mode on port 3001 with the demo secret', () => {
    const config = loadConfig({}, '/srv/app')
    expect(config).toMatchObject({ port: 3001, demo: true, production: false, jwtSecret: DEMO_JWT_SECRET })
    expect(config.databasePath).toBe(path.resolve('/srv/app', 'data/consent-sync.db'))
  })

  it('names PORT when it is not a port number', () => {
    for (const PORT of ['abc', '70000', '-1', '3.5']) {
      const err = errorOf({ PORT })
      expect(err.variable).toBe('PORT')
      expect(err.message).toMatch(/^PORT: /)
      expect(err.message).toContain(PORT)
    }
  })

  it('refuses the demo secret, a missing secret and demo mode in production', () => {
    expect(errorOf({ NODE_ENV: 'production', JWT_SECRET: DEMO_JWT_SECRET }).variable).toBe('JWT_SECRET')
    expect(errorOf({ NODE_ENV: 'production' }).variable).toBe('JWT_SECRET')
    const demo = errorOf({ NODE_ENV: 'production', JWT_SECRET: SECRET, DEMO: 'true' })
    expect(demo.variable).toBe('DEMO')
    expect(demo.message).toMatch(/production/)
  })

  it('accepts production with a real secret, demo off by default', () => {
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET }, '/srv/app')
    expect(config).toMatchObject({ production: true, demo: false, jwtSecret: SECRET })
  })

  it('names the variable of other bad values', () => {
    expect(errorOf({ JWT_SECRET: 'short' }).variable).toBe('JWT_SECRET')
    expect(errorOf({ DEMO: 'maybe' }).variable).toBe('DEMO')
    expect(errorOf({ SQLITE_SYNCHRONOUS: 'OFF' }).variable).toBe('SQLITE_SYNCHRONOUS')
    expect(errorOf({ LOG_LEVEL: 'loud' }).variable).toBe('LOG_LEVEL')
  })

  it('bounds waiting for PostgreSQL by default, and names a timeout that is not a number of milliseconds', () => {
    expect(loadConfig({}, '/srv/app')).toMatchObject({
      databaseConnectTimeoutMs: 5000,
      databaseStatementTimeoutMs: 15_000,
    })
    const set = loadConfig(
      { DATABASE_CONNECT_TIMEOUT_MS: '1500', DATABASE_STATEMENT_TIMEOUT_MS: '60000' },
      '/srv/app',
    )
    expect(set).toMatchObject({ databaseConnectTimeoutMs: 1500, databaseStatementTimeoutMs: 60_000 })
    // 0 would mean "wait for ever" to pg: exactly what these settings exist to prevent.
    for (const value of ['0', 'soon', '2.5']) {
      expect(errorOf({ DATABASE_CONNECT_TIMEOUT_MS: value }).variable).toBe('DATABASE_CONNECT_TIMEOUT_MS')
      expect(errorOf({ DATABASE_STATEMENT_TIMEOUT_MS: value }).variable).toBe('DATABASE_STATEMENT_TIMEOUT_MS')
    }
  })
})

describe('web root', () => {
  it('defaults to the repository root, where apps/*/dist are built', async () => {
    const { existsSync } = await import('node:fs')
    const path = await import('node:path')
    const root = loadConfig({}).webRoot
    expect(existsSync(path.join(root, 'apps', 'server', 'package.json'))).toBe(true)
  })
})

describe('browser origins', () => {
  it('reads ALLOWED_ORIGINS as origins or *, and names it when an entry is not an origin', () => {
    expect(loadConfig({}, '/srv/app').allowedOrigins).toEqual([])
    expect(
      loadConfig({ ALLOWED_ORIGINS: 'http://localhost:5173, https://Ops.example.com' }, '/srv/app')
        .allowedOrigins,
    ).toEqual(['http://localhost:5173', 'https://ops.example.com'])
    expect(loadConfig({ ALLOWED_ORIGINS: '*' }, '/srv/app').allowedOrigins).toBe('*')
    for (const ALLOWED_ORIGINS of [
      'localhost:5173',
      'https://ops.example.com/',
      'ftp://x.example',
      '*, https://a.example',
    ]) {
      const err = errorOf({ ALLOWED_ORIGINS })
      expect(err.variable, ALLOWED_ORIGINS).toBe('ALLOWED_ORIGINS')
    }
    expect(errorOf({ ALLOWED_ORIGINS: 'https://ops.example.com/app' }).message).toContain(
      'https://ops.example.com/app',
    )
  })
})

describe('the metrics token', () => {
  it('reads METRICS_TOKEN, and names it when it is too short to keep a secret', () => {
    expect(loadConfig({}, '/srv/app').metricsToken).toBeUndefined()
    expect(loadConfig({ METRICS_TOKEN: 'scrape-me-0123456789' }, '/srv/app').metricsToken).toBe(
      'scrape-me-0123456789',
    )
    for (const METRICS_TOKEN of ['short', 'has a space in it, sixteen+']) {
      expect(errorOf({ METRICS_TOKEN }).variable).toBe('METRICS_TOKEN')
    }
  })
})

describe('the identity provider', () => {
  const OIDC = {
    OIDC_ISSUER: 'https://login.example.lk/realms/telco',
    OIDC_AUDIENCE: 'consent-sync',
    OIDC_JWKS_URL: 'https://login.example.lk/realms/telco/protocol/openid-connect/certs',
  }

  it('is off without OIDC_*, and read with its defaults when the three are set', () => {
    expect(loadConfig({}, '/srv/app').oidc).toBeUndefined()
    expect(loadConfig(OIDC, '/srv/app').oidc).toMatchObject({
      issuer: OIDC.OIDC_ISSUER,
      audiences: ['consent-sync'],
      roleClaim: 'role',
      customerIdClaim: 'customerId',
      nameClaim: 'name',
      roleMap: [],
      clockToleranceSeconds: 60,
    })
    const mapped = loadConfig({ ...OIDC, OIDC_ROLE_MAP: 'agents=csr, dpo=auditor' }, '/srv/app').oidc
    expect(mapped?.roleMap).toEqual([
      ['agents', 'csr'],
      ['dpo', 'auditor'],
    ])
  })

  it('names the variable that is missing or wrong', () => {
    expect(errorOf({ OIDC_ISSUER: OIDC.OIDC_ISSUER }).variable).toBe('OIDC_AUDIENCE')
    expect(errorOf({ ...OIDC, OIDC_JWKS_URL: 'not a url' }).variable).toBe('OIDC_JWKS_URL')
    expect(errorOf({ ...OIDC, OIDC_ROLE_MAP: 'agents=root' }).message).toMatch(/OIDC_ROLE_MAP: "agents=root"/)
    expect(errorOf({ ...OIDC, OIDC_ROLE_MAP: '=csr' }).variable).toBe('OIDC_ROLE_MAP')
    expect(errorOf({ ...OIDC, OIDC_CLOCK_TOLERANCE_SECONDS: '-5' }).variable).toBe(
      'OIDC_CLOCK_TOLERANCE_SECONDS',
    )
  })

  it('refuses keys fetched over plain http in production, except from this machine', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: SECRET }
    const plain = { ...OIDC, OIDC_JWKS_URL: 'http://login.example.lk/certs' }
    expect(errorOf({ ...production, ...plain }).variable).toBe('OIDC_JWKS_URL')
    expect(loadConfig({ ...plain }, '/srv/app').oidc?.jwksUrl).toBe(plain.OIDC_JWKS_URL)
    const local = { ...OIDC, OIDC_JWKS_URL: 'http://127.0.0.1:8080/certs' }
    expect(loadConfig({ ...production, ...local }, '/srv/app').oidc?.jwksUrl).toBe(local.OIDC_JWKS_URL)
  })
})
