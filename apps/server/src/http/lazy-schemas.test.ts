import Fastify from 'fastify'
import { describe, expect, it, onTestFinished } from 'vitest'
import { testServer } from '../testing/per-test'
import { lazySchemaCompilers } from './lazy-schemas'

const start = () => testServer()

describe('route schemas compiled on first use', () => {
  it('compiles every route schema of the server without error, once', async () => {
    const s = await start()
    // Validates and serializes one route first: the rest is still pending.
    const res = await s.get('/api/customers?limit=0', s.token({ id: 'csr1', role: 'csr' }))
    expect(res.status).toBe(400)
    const pending = s.compileSchemas()
    // Request schemas (body, query, params) and response schemas of some hundred routes.
    expect(pending).toBeGreaterThan(50)
    expect(s.compileSchemas()).toBe(0)
  })

  it('validates, coerces and serializes as Fastify compiled eagerly would', async () => {
    const s = await start()
    const token = s.token({ id: 'csr1', role: 'csr' })
    const bad = await s.get('/api/customers?limit=0', token)
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ error: 'bad-request', field: 'limit' })
    // "2" in the query is coerced to a number by the same ajv options; the response is serialized.
    const ok = await s.get('/api/customers?limit=2', token)
    expect(ok.status).toBe(200)
    const body = (await ok.json()) as { customers: unknown[] }
    expect(body.customers.length).toBeLessThanOrEqual(2)
  })

  it('finds a broken schema through compileAll, naming what is wrong', async () => {
    const schemas = lazySchemaCompilers()
    const app = Fastify({ schemaController: { compilersFactory: schemas.compilersFactory } })
    onTestFinished(() => app.close())
    app.get(
      '/broken',
      { schema: { querystring: { type: 'object', properties: { n: { type: 'nope' } } } } },
      () => 'x',
    )
    await app.ready()
    expect(() => schemas.compileAll()).toThrow(/nope|type/)
  })

  it('strips properties a response schema does not name, as fast-json-stringify does', async () => {
    const schemas = lazySchemaCompilers()
    const app = Fastify({ schemaController: { compilersFactory: schemas.compilersFactory } })
    onTestFinished(() => app.close())
    app.get(
      '/r',
      { schema: { response: { 200: { type: 'object', properties: { a: { type: 'integer' } } } } } },
      () => ({ a: 1, secret: 's' }),
    )
    const res = await app.inject('/r')
    expect(res.json()).toEqual({ a: 1 })
  })
})
