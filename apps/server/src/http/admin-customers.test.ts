import fastifyJwt from '@fastify/jwt'
import Fastify from 'fastify'
import { describe, expect, it, onTestFinished } from 'vitest'
import { signToken, type TokenSubject } from '../auth/tokens'
import { sqliteStores } from '../testing/stores'
import { registerAdminCustomerRoutes } from './admin-customers'
import { registerErrorHandlers } from './errors'

/** A real server on an ephemeral port with these routes, on a real SQLite file. */
async function setup() {
  const fixture = await sqliteStores()
  onTestFinished(fixture.cleanup)
  const store = fixture.open()
  await store.migrate()
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 })
  await app.register(fastifyJwt, { secret: 'test-secret-test-secret-test-secret' })
  registerErrorHandlers(app)
  registerAdminCustomerRoutes(app, { store })
  await app.listen({ port: 0, host: '127.0.0.1' })
  onTestFinished(() => app.close())
  const { port } = app.server.address() as { port: number }
  const token = (user: TokenSubject) => signToken(app, user, 600).token
  const admin = token({ id: 'admin1', role: 'admin', name: 'Admin' })
  const put = async (payload: unknown, bearer = admin) => {
    const res = await fetch(`http://127.0.0.1:${port}/api/admin/customers`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }
  return { store, put, token }
}

const nimal = { id: 'C-0001', name: 'Nimal Perera', phone: '+94 77 123 4567', email: 'nimal@example.lk' }
const kamala = { id: 'C-0002', name: 'Kamala Silva', phone: '0717654321', accountNumber: 'ACC-2' }

describe('PUT /api/admin/customers', () => {
  it('upserts the customers and counts what was new, changed and left', async () => {
    const { store, put } = await setup()
    expect(await put([nimal, kamala])).toEqual({
      status: 200,
      body: { inserted: 2, updated: 0, unchanged: 0 },
    })
    expect(await put([nimal, { ...kamala, name: 'Kamala P. Silva' }])).toEqual({
      status: 200,
      body: { inserted: 0, updated: 1, unchanged: 1 },
    })
    expect(await store.getCustomer('C-0002')).toStrictEqual({ ...kamala, name: 'Kamala P. Silva' })
    expect(await put([])).toEqual({ status: 200, body: { inserted: 0, updated: 0, unchanged: 0 } })
  })

  it('takes a page of 10 000 and refuses 10 001', async () => {
    const { store, put } = await setup()
    const page = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        id: `C-${String(i).padStart(6, '0')}`,
        name: `Customer Number ${i}`,
        phone: `+9477${String(i).padStart(7, '0')}`,
        email: `customer${i}@example.lk`,
      }))
    expect((await put(page(10_001))).status).toBe(400)
    expect(await store.getCustomer('C-000000')).toBeUndefined()
    expect(await put(page(10_000))).toEqual({
      status: 200,
      body: { inserted: 10_000, updated: 0, unchanged: 0 },
    })
  })

  it('answers 400 naming the index and field of the first invalid element, storing none', async () => {
    const { store, put } = await setup()
    const cases: [unknown, string][] = [
      [{ ...kamala, id: '-bad' }, '1.id'],
      [{ ...kamala, name: '  ' }, '1.name'],
      [{ ...kamala, phone: '12345' }, '1.phone'],
      [{ ...kamala, email: 'kamala@' }, '1.email'],
      [{ ...kamala, accountNumber: '#!' }, '1.accountNumber'],
      [{ id: 'C-0002', name: 'No Phone' }, '1.phone'],
      [{ ...kamala, name: 'x'.repeat(201) }, '1.name'],
      [{ ...nimal, name: 'Same id again' }, '1.id'],
    ]
    for (const [bad, field] of cases) {
      const res = await put([nimal, bad])
      expect(res.status, field).toBe(400)
      expect(res.body, field).toMatchObject({ error: 'bad-request', field })
      expect(typeof res.body.message).toBe('string')
    }
    expect(await put({ not: 'an array' })).toMatchObject({ status: 400, body: { error: 'bad-request' } })
    expect(await store.getCustomer('C-0001')).toBeUndefined()
  })

  it('is for admins only', async () => {
    const { put, token } = await setup()
    expect((await put([nimal], token({ id: 'csr1', role: 'csr', name: 'Agent' }))).status).toBe(403)
    expect((await put([nimal], 'not-a-token')).status).toBe(401)
  })
})
