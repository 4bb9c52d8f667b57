import { GENESIS, type NoticeVersion, noticeTextHash } from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import { verifyAdminChain } from '../../audit/admin-chain'
import type { AdminRecord, CatalogStore } from '../catalog-store'
import type { CustomerRecord, Directory, UserRecord } from '../directory'
import type { StoreLifecycle } from '../store'
import { fixtures, type MakeStore } from './fixture'

export type DirectorySubject = StoreLifecycle & Directory & Pick<CatalogStore, 'adminLog' | 'createPurpose'>

/** A first notice version of `purposeId`, for a catalog write between account saves. */
function firstVersion(purposeId: string, at: string): NoticeVersion {
  const texts = {
    title: { en: `${purposeId} title`, si: `${purposeId} si`, ta: `${purposeId} ta` },
    notice: { en: `${purposeId} notice`, si: `${purposeId} si`, ta: `${purposeId} ta` },
  }
  return {
    purposeId,
    version: '1.0',
    ...texts,
    textHash: noticeTextHash(purposeId, '1.0', texts),
    material: false,
    publishedAt: at,
    publishedBy: 'admin1',
  }
}

const admin = (action: string, target: string, at: string): AdminRecord => ({
  action,
  target,
  actorId: 'admin1',
  actorRole: 'admin',
  at,
  details: { by: 'conformance' },
})

const account = (username: string, over: Partial<UserRecord> = {}): UserRecord => ({
  username,
  id: username,
  role: 'csr',
  name: `Agent ${username}`,
  passwordHash: `hash-${username}`,
  demo: false,
  disabled: false,
  ...over,
})

/** `n` customers C-000001… with numbers +94 77 000 0001…, all in one call. */
const many = (n: number, name = (i: number) => `Customer ${i}`): CustomerRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `C-${String(i + 1).padStart(6, '0')}`,
    name: name(i + 1),
    phone: `+9477${String(i + 1).padStart(7, '0')}`,
  }))

async function* batchesOf<T>(items: readonly T[], size: number, failAt?: number): AsyncGenerator<T[]> {
  for (let at = 0; at < items.length; at += size) {
    if (failAt !== undefined && at >= failAt) throw new Error('the file could not be read further')
    yield items.slice(at, at + size)
  }
}

/** Directory: customers (search by id, name, phone digits) and accounts. */
export function runDirectoryTests(makeStore: MakeStore<DirectorySubject>): void {
  const { fixture, setup } = fixtures(makeStore)
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
      expect(await store.getCustomer('C-0001')).toStrictEqual(nimal)
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
      // The old name's words went with it.
      expect(await ids('N.')).toEqual([])
      expect(await store.searchCustomers('perera', 10)).toStrictEqual([nimal])
    })

    it('finds a number typed with +94, a leading 0 or neither, by its end, and names by any word', async () => {
      const store = await setup()
      await store.upsertCustomers([
        { id: 'C-0001', name: 'Nimal Perera', phone: '+94771234567' },
        { id: 'C-0002', name: 'Kamala Pereira-Silva', phone: '0712223333' },
        { id: 'C-0003', name: 'ශ්‍රී ලංකා Telecom', phone: '+94 11 255 0000' },
      ])
      const ids = async (q: string, limit = 10) => (await store.searchCustomers(q, limit)).map((c) => c.id)
      for (const typed of [
        '0771234567',
        '771234567',
        '+94 77 123 4567',
        '94771234567',
        '077-123',
        '(077) 1234',
      ])
        expect(await ids(typed), typed).toEqual(['C-0001'])
      // A number stored nationally is found by its international form too.
      expect(await ids('+94712223333')).toEqual(['C-0002'])
      expect(await ids('3333')).toEqual(['C-0002'])
      expect(await ids('0112550000')).toEqual(['C-0003'])
      expect(await ids('pere')).toEqual(['C-0001', 'C-0002'])
      expect(await ids('silva')).toEqual(['C-0002'])
      expect(await ids('nimal perera')).toEqual(['C-0001'])
      expect(await ids('nimal silva')).toEqual([])
      expect(await ids('ලංකා')).toEqual(['C-0003'])
      expect(await ids('TELE')).toEqual(['C-0003'])
      // Inside a word: the substring fallback.
      expect(await ids('erei')).toEqual(['C-0002'])
      expect(await ids('2223')).toEqual(['C-0002'])
      // Each index part reads at most `limit` (here in word order): one of the two, not both.
      expect(await ids('pere', 1)).toHaveLength(1)
    })

    it('keeps e-mail and account number, and counts what an upsert inserted, changed and left', async () => {
      const store = await setup()
      const first = many(3)
      expect(await store.upsertCustomers(first)).toEqual({ inserted: 3, updated: 0, unchanged: 0 })
      expect(await store.upsertCustomers(first)).toEqual({ inserted: 0, updated: 0, unchanged: 3 })
      const full = { ...first[1]!, email: 'c2@example.lk', accountNumber: 'ACC-2' }
      expect(await store.upsertCustomers([first[0]!, full, ...many(5).slice(3)])).toEqual({
        inserted: 2,
        updated: 1,
        unchanged: 1,
      })
      expect(await store.getCustomer(full.id)).toStrictEqual(full)
      expect(await store.searchCustomers(full.id, 1)).toStrictEqual([full])
      // Dropping the e-mail is a change too, and reads back without the field.
      expect(await store.upsertCustomers([first[1]!])).toEqual({ inserted: 0, updated: 1, unchanged: 0 })
      expect(await store.getCustomer(full.id)).toStrictEqual(first[1])
      expect(await store.upsertCustomers([])).toEqual({ inserted: 0, updated: 0, unchanged: 0 })
    })

    it('stores nothing of an upsert that repeats an id', async () => {
      const store = await setup()
      const [a, b] = many(2)
      await expect(store.upsertCustomers([a!, b!, { ...a!, name: 'Other' }])).rejects.toThrow(/twice/)
      expect(await store.getCustomer(a!.id)).toBeUndefined()
      expect(await store.getCustomer(b!.id)).toBeUndefined()
    })

    it('imports batches in one transaction: all of them, or none when one fails', async () => {
      const f = await fixture()
      const store = f.open()
      await store.migrate()
      const customers = many(2500, (i) => `Name${i % 7} Family${i}`)
      await expect(store.importCustomers(batchesOf(customers, 1000, 2000))).rejects.toThrow(/read further/)
      expect(await store.getCustomer('C-000001')).toBeUndefined()
      expect(await store.searchCustomers('family1', 5)).toEqual([])

      expect(await store.importCustomers(batchesOf(customers, 1000))).toEqual({
        inserted: 2500,
        updated: 0,
        unchanged: 0,
      })
      const renamed = customers.map((c, i) => (i === 10 ? { ...c, name: 'Renamed Person' } : c))
      expect(await store.importCustomers(batchesOf(renamed, 700))).toEqual({
        inserted: 0,
        updated: 1,
        unchanged: 2499,
      })
      // Another store on the same data sees the import once it committed.
      const other = f.open()
      expect(await other.getCustomer('C-002500')).toStrictEqual(customers[2499])
      expect((await other.searchCustomers('renamed', 5)).map((c) => c.id)).toEqual(['C-000011'])
      expect(await other.searchCustomers('family11', 3)).toHaveLength(3)
    })

    it('upserts and finds users, and knows whether demo users exist', async () => {
      const store = await setup()
      expect(await store.hasDemoUsers()).toBe(false)
      const agent = account('csr1', { name: 'Agent One', passwordHash: 'h1' })
      const customer = account('C-0001', {
        role: 'customer',
        name: 'Nimal Perera',
        customerId: 'C-0001',
        passwordHash: 'h2',
        demo: true,
      })
      const { disabled: _a, ...seededAgent } = agent
      // The seed need not say `disabled`: it is false then.
      await store.upsertUser(seededAgent)
      expect(await store.hasDemoUsers()).toBe(false)
      await store.upsertUser(customer)
      expect(await store.hasDemoUsers()).toBe(true)
      const foundAgent = await store.findUser('csr1')
      expect(foundAgent).toMatchObject(agent)
      expect(foundAgent && 'customerId' in foundAgent).toBe(false)
      expect(await store.findUser('C-0001')).toMatchObject(customer)
      expect(await store.findUser('nobody')).toBeUndefined()
      await store.upsertUser({ ...customer, demo: false, passwordHash: 'h3' })
      expect(await store.findUser('C-0001')).toMatchObject({ ...customer, demo: false, passwordHash: 'h3' })
      expect(await store.hasDemoUsers()).toBe(false)
    })

    it('saves an account with its admin entry chained onto the admin log', async () => {
      const store = await setup()
      const at = '2026-11-02T08:00:00.000Z'
      const entry = await store.saveUser(account('csr2'), admin('user.create', 'user:csr2', at))
      expect(entry).toMatchObject({
        seq: 1,
        prevHash: GENESIS.hash,
        action: 'user.create',
        target: 'user:csr2',
      })
      expect(await store.adminLog()).toStrictEqual([entry])
      expect(await store.findUser('csr2')).toStrictEqual({ ...account('csr2'), createdAt: at })

      const later = '2026-11-02T09:00:00.000Z'
      const disabled = await store.saveUser(
        { ...account('csr2'), disabled: true },
        admin('user.disable', 'user:csr2', later),
      )
      expect(disabled).toMatchObject({ seq: 2, prevHash: entry.hash })
      // Disabled round-trips; the account keeps the time it was created.
      expect(await store.findUser('csr2')).toStrictEqual({
        ...account('csr2'),
        disabled: true,
        createdAt: at,
      })
      const log = await store.adminLog()
      expect(verifyAdminChain(log)).toEqual({ ok: true, head: { seq: 2, hash: disabled.hash } })
      expect(log).toStrictEqual([entry, disabled])
    })

    it('lists accounts by username', async () => {
      const store = await setup()
      expect(await store.listUsers()).toEqual([])
      const at = '2026-11-02T08:00:00.000Z'
      for (const name of ['zoe', 'Admin', 'amal', 'C-0001', 'bob'])
        await store.saveUser(account(name), admin('user.create', `user:${name}`, at))
      await store.upsertUser(account('demo1', { demo: true, role: 'admin' }))
      const listed = await store.listUsers()
      expect(listed.map((u) => u.username)).toEqual(['Admin', 'C-0001', 'amal', 'bob', 'demo1', 'zoe'])
      expect(listed[0]).toStrictEqual({ ...account('Admin'), createdAt: at })
      expect(listed.find((u) => u.username === 'demo1')).toMatchObject({ role: 'admin', demo: true })
    })

    it('chains two accounts saved at once, from two stores on the same data, one after the other', async () => {
      const f = await fixture()
      const a = f.open()
      await a.migrate()
      const b = f.open()
      await b.migrate()
      const at = '2026-11-02T08:00:00.000Z'
      const saves = Array.from({ length: 6 }, (_, i) =>
        (i % 2 === 0 ? a : b).saveUser(account(`agent${i}`), admin('user.create', `user:agent${i}`, at)),
      )
      const entries = await Promise.all(saves)
      const log = await a.adminLog()
      expect(log.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6])
      expect(verifyAdminChain(log).ok).toBe(true)
      expect(new Set(entries.map((e) => e.hash))).toEqual(new Set(log.map((e) => e.hash)))
      expect((await b.listUsers()).map((u) => u.username)).toEqual(
        Array.from({ length: 6 }, (_, i) => `agent${i}`),
      )
    })

    it('chains account saves and catalog writes made at once onto the one admin log', async () => {
      const f = await fixture()
      const a = f.open()
      await a.migrate()
      const b = f.open()
      const at = '2026-11-02T08:00:00.000Z'
      const writes = Array.from({ length: 6 }, (_, i) =>
        i % 2 === 0
          ? a.saveUser(account(`agent${i}`), admin('user.create', `user:agent${i}`, at))
          : b
              .createPurpose(
                { id: `purpose-${i}`, default: 'withdrawn', status: 'active', createdAt: at },
                firstVersion(`purpose-${i}`, at),
                admin('purpose.create', `purpose:purpose-${i}`, at),
              )
              .then((w) => (w.ok ? w.entry : undefined)),
      )
      const entries = await Promise.all(writes)
      const log = await b.adminLog()
      expect(log.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6])
      expect(verifyAdminChain(log).ok).toBe(true)
      expect(new Set(entries.map((e) => e?.hash))).toEqual(new Set(log.map((e) => e.hash)))
    })
  })
}
