import { describe, expect, it, onTestFinished } from 'vitest'
import { verifyPassword } from '../auth/passwords'
import { sqliteStores } from '../testing/stores'
import { DEMO_PASSWORD, seedDemo } from './seed'

async function setup() {
  const stores = await sqliteStores()
  onTestFinished(stores.cleanup)
  const store = stores.open()
  await store.migrate()
  return { store }
}

describe('seedDemo', () => {
  it('creates five customers and eight demo accounts sharing the demo password, idempotently', async () => {
    const { store } = await setup()
    expect(await store.hasDemoUsers()).toBe(false)
    await seedDemo(store)
    await seedDemo(store)
    const customers = await store.searchCustomers('', 100)
    expect(customers.map((c) => c.id)).toEqual(['C-0001', 'C-0002', 'C-0003', 'C-0004', 'C-0005'])
    for (const c of customers) expect(c.phone).toMatch(/^\+94 7\d \d{3} \d{4}$/)
    expect(await store.hasDemoUsers()).toBe(true)

    const customer = await store.findUser('C-0004')
    expect(customer).toMatchObject({ id: 'C-0004', role: 'customer', customerId: 'C-0004', demo: true })
    for (const [username, role] of [
      ['csr1', 'csr'],
      ['csr2', 'csr'],
      ['admin1', 'admin'],
    ] as const) {
      const user = await store.findUser(username)
      expect(user).toMatchObject({ id: username, role, demo: true })
      expect(user?.customerId).toBeUndefined()
    }
    const admin = await store.findUser('admin1')
    expect(await verifyPassword(DEMO_PASSWORD, admin?.passwordHash ?? '')).toBe(true)
    expect(await verifyPassword('wrong', admin?.passwordHash ?? '')).toBe(false)
  })
})
