import { describe, expect, it } from 'vitest'
import type { Directory } from '../directory'
import type { StoreLifecycle } from '../store'
import { fixtures, type MakeStore } from './fixture'

/** Directory: customers (search by id, name, phone digits) and accounts. */
export function runDirectoryTests(makeStore: MakeStore<StoreLifecycle & Directory>): void {
  const { setup } = fixtures(makeStore)
  describe('directory', () => {
    it('upserts, gets and searches customers by id, name and phone', async () => {
      const store = await setup()
      const nimal = { id: 'C-0001', name: 'Nimal Perera', phone: '+94 77 123 4567' }
      const kamala = { id: 'C-0002', name: 'Kamala Silva', phone: '+94 71 765 4321' }
      const odd = { id: 'C-0100', name: '100% Fibre_Ltd', phone: '011 255 0000' }
      await store.upsertCustomer({ ...nimal, name: 'N. Perera' })
      await store.upsertCustomer(nimal)
      await store.upsertCustomer(kamala)
      await store.upsertCustomer(odd)
      expect(await store.getCustomer('C-0001')).toEqual(nimal)
      expect(await store.getCustomer('C-0404')).toBeUndefined()
      const ids = async (q: string, limit = 10) => (await store.searchCustomers(q, limit)).map((c) => c.id)
      expect(await ids('c-0001')).toEqual(['C-0001'])
      expect(await ids('PERERA')).toEqual(['C-0001'])
      expect(await ids('silva')).toEqual(['C-0002'])
      expect(await ids('77 123')).toEqual(['C-0001'])
      expect(await ids('+94771234567')).toEqual(['C-0001'])
      expect(await ids('7654321')).toEqual(['C-0002'])
      expect(await ids('+94')).toEqual(['C-0001', 'C-0002'])
      expect(await ids('C-')).toEqual(['C-0001', 'C-0002', 'C-0100'])
      expect(await ids('C-', 2)).toHaveLength(2)
      // LIKE wildcards in the query are plain characters.
      expect(await ids('%')).toEqual(['C-0100'])
      expect(await ids('_')).toEqual(['C-0100'])
      expect(await ids('nobody')).toEqual([])
      expect(await store.searchCustomers('perera', 10)).toEqual([nimal])
    })

    it('upserts and finds users, and knows whether demo users exist', async () => {
      const store = await setup()
      expect(await store.hasDemoUsers()).toBe(false)
      const agent = {
        username: 'csr1',
        id: 'csr1',
        role: 'csr' as const,
        name: 'Agent One',
        passwordHash: 'h1',
        demo: false,
      }
      const customer = {
        username: 'C-0001',
        id: 'C-0001',
        role: 'customer' as const,
        name: 'Nimal Perera',
        customerId: 'C-0001',
        passwordHash: 'h2',
        demo: true,
      }
      await store.upsertUser(agent)
      expect(await store.hasDemoUsers()).toBe(false)
      await store.upsertUser(customer)
      expect(await store.hasDemoUsers()).toBe(true)
      const foundAgent = await store.findUser('csr1')
      expect(foundAgent).toEqual(agent)
      expect(foundAgent && 'customerId' in foundAgent).toBe(false)
      expect(await store.findUser('C-0001')).toEqual(customer)
      expect(await store.findUser('nobody')).toBeUndefined()
      await store.upsertUser({ ...customer, demo: false, passwordHash: 'h3' })
      expect(await store.findUser('C-0001')).toEqual({ ...customer, demo: false, passwordHash: 'h3' })
      expect(await store.hasDemoUsers()).toBe(false)
    })
  })
}
