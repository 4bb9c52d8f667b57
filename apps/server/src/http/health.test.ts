import { DEFAULT_CATALOG } from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import type { Store } from '../store/store'
import { rawFor, testServer } from '../testing/per-test'
import { CSR_1 } from '../testing/server'
import { until } from '../testing/until'

/** The store with `ping` failing, as when the database is unreachable. */
const unreachable = (store: Store): Store => ({
  ...store,
  ping: async () => Promise.reject(new Error('database is locked')),
})

describe('health and metrics', () => {
  it('answers /healthz and /readyz when the store is reachable', async () => {
    const server = await testServer()
    expect(await (await server.get('/healthz')).json()).toEqual({ status: 'ok' })
    const ready = await server.get('/readyz')
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ status: 'ok', checks: { store: 'ok', fanout: 'ok' } })
  })

  it('answers /readyz 503 with the error when the store is not', async () => {
    const server = await testServer({ wrapStore: unreachable })
    const res = await server.get('/readyz')
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({
      status: 'unavailable',
      error: 'unavailable',
      message: 'store: database is locked',
      checks: { store: 'database is locked', fanout: 'ok' },
    })
    expect((await server.get('/healthz')).status).toBe(200)
  })

  it('serves Prometheus text with the gauges read from the rooms at scrape time', async () => {
    const server = await testServer()
    // Two documents loaded: one with a connection open, one read over HTTP.
    const _agent = await rawFor(server, CSR_1)
    await until(() => server.ctx.rooms.connectionCount() === 1, 5000, 'connected')
    await server.get('/api/customers/C-0002/consents', server.token(CSR_1))
    const res = await server.get('/metrics')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await res.text()
    expect(text).toMatch(/^consent_sync_documents_loaded 2$/m)
    expect(text).toMatch(/^consent_sync_connections 1$/m)
    expect(text).toContain('# TYPE consent_sync_updates_accepted_total counter')
    expect(text).toContain('process_cpu_user_seconds_total')
  })
})

describe('API reference and errors', () => {
  it('lists every route in /docs/json with its schemas', async () => {
    const server = await testServer()
    const res = await server.get('/docs/json')
    expect(res.status).toBe(200)
    const doc = (await res.json()) as {
      paths: Record<string, Record<string, { parameters?: { name: string }[] }>>
    }
    for (const [path, method] of [
      ['/api/auth/login', 'post'],
      ['/api/auth/refresh', 'post'],
      ['/api/purposes', 'get'],
      ['/api/customers', 'get'],
      ['/api/customers/{id}', 'get'],
      ['/api/customers/{id}/consents', 'get'],
      ['/api/audit', 'get'],
      ['/api/audit/export', 'get'],
      ['/api/feed', 'get'],
      ['/healthz', 'get'],
      ['/readyz', 'get'],
      ['/metrics', 'get'],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined()
    }
    const auditParams = doc.paths['/api/audit']?.get?.parameters?.map((p) => p.name)
    expect(auditParams).toEqual(
      expect.arrayContaining(['customerId', 'purposeId', 'actorId', 'from', 'to', 'cursor', 'limit']),
    )
    expect((await server.get('/docs')).status).toBeLessThan(400)
  })

  it('serves the purpose catalog to anyone', async () => {
    const server = await testServer()
    const res = await server.get('/api/purposes')
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(server.ctx.catalog.current())))
    // Demo mode serves consent-core's DEFAULT_CATALOG exactly, which clients bundle.
    expect(server.ctx.catalog.current()).toEqual(DEFAULT_CATALOG)
  })

  it('answers an unknown route with a JSON 404 that does not echo the query string', async () => {
    const server = await testServer()
    const res = await server.get('/api/nothing-here?token=secret-value')
    expect(res.status).toBe(404)
    const body = await res.json()
    expect(body).toEqual({ error: 'not-found', message: 'no route GET /api/nothing-here' })
  })

  it('answers an unexpected failure with a bare 500, no stack or message', async () => {
    const server = await testServer({
      wrapStore: (store) => ({
        ...store,
        loadDocument: async () => {
          throw new Error('SQLITE_CORRUPT at /secret/path.db')
        },
      }),
    })
    const res = await server.get('/api/customers/C-0001/consents', server.token({ id: 'csr1', role: 'csr' }))
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ error: 'internal', message: 'internal server error' })
  })
})

describe('/metrics with METRICS_TOKEN', () => {
  const METRICS_TOKEN = 'scrape-token-0123456789abcdef'

  it('answers only a scrape that sends the token as a bearer; 401 in the problem shape otherwise', async () => {
    const server = await testServer({ env: { METRICS_TOKEN } })
    const s = server
    const scrape = (authorization?: string) =>
      fetch(s.url('/metrics'), authorization === undefined ? {} : { headers: { authorization } })

    const ok = await scrape(`Bearer ${METRICS_TOKEN}`)
    expect(ok.status).toBe(200)
    expect(await ok.text()).toContain('# TYPE')

    for (const authorization of [
      undefined,
      `Bearer ${METRICS_TOKEN}x`,
      `Bearer ${METRICS_TOKEN.slice(0, -1)}`,
      'Bearer',
      METRICS_TOKEN,
      `Basic ${Buffer.from(`user:${METRICS_TOKEN}`).toString('base64')}`,
      // A valid user token is not the metrics token.
      `Bearer ${s.token({ id: 'admin1', role: 'admin' })}`,
    ]) {
      const res = await scrape(authorization)
      expect(res.status, String(authorization)).toBe(401)
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
      const body = (await res.json()) as Record<string, string>
      expect(body).toMatchObject({ error: 'unauthorized' })
      expect(body.message).toMatch(/token/)
      expect(JSON.stringify(body)).not.toContain(METRICS_TOKEN)
    }
    // Health checks stay open for the load balancer.
    expect((await s.get('/healthz')).status).toBe(200)
    expect((await s.get('/readyz')).status).toBe(200)
  })

  it('leaves /metrics open without a token', async () => {
    const server = await testServer()
    expect((await server.get('/metrics')).status).toBe(200)
  })
})
