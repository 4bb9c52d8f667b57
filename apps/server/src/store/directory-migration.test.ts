import Database from 'better-sqlite3'
import pg from 'pg'
import { describe, expect, it, onTestFinished } from 'vitest'
import { POSTGRES_URL, scaleOutServices } from '../testing/services'
import { postgresStores, sqliteStores } from '../testing/stores'
import { applyMigrations, MIGRATIONS } from './postgres-schema'
import { SCHEMA_VERSION } from './sqlite-schema'

/** What a version 3 server stored: customers and accounts without the version 4 columns. */
const V3_CUSTOMERS = [
  { id: 'C-0001', name: 'Nimal Perera', phone: '+94 77 123 4567' },
  { id: 'C-0002', name: 'Kamala Silva', phone: '071 765 4321' },
]
const V3_USER = ['csr1', 'csr1', 'csr', 'Agent One', null, 'hash', 0] as const

describe('directory migration to version 4', () => {
  it('brings a version 3 SQLite file up in place: customers searchable, accounts enabled', async () => {
    const fixture = await sqliteStores()
    onTestFinished(fixture.cleanup)
    const raw = new Database(fixture.path)
    // The customers and users tables exactly as version 3 created them.
    raw.exec(`CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT NOT NULL, phone TEXT NOT NULL,
        phone_digits TEXT NOT NULL) STRICT;
      CREATE TABLE users (username TEXT PRIMARY KEY, id TEXT NOT NULL, role TEXT NOT NULL, name TEXT NOT NULL,
        customer_id TEXT, password_hash TEXT NOT NULL, demo INTEGER NOT NULL CHECK (demo IN (0, 1))) STRICT;`)
    for (const c of V3_CUSTOMERS)
      raw
        .prepare('INSERT INTO customers VALUES (?, ?, ?, ?)')
        .run(c.id, c.name, c.phone, c.phone.replace(/\D/g, ''))
    raw.prepare('INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?)').run(...V3_USER)
    raw.pragma('user_version = 3')
    raw.close()

    const store = fixture.open()
    await store.migrate()
    expect(await store.getCustomer('C-0001')).toStrictEqual(V3_CUSTOMERS[0])
    const ids = async (q: string) => (await store.searchCustomers(q, 10)).map((c) => c.id)
    expect(await ids('silva')).toEqual(['C-0002'])
    expect(await ids('4321')).toEqual(['C-0002'])
    expect(await ids('+94717654321')).toEqual(['C-0002'])
    expect(await store.findUser('csr1')).toStrictEqual({
      username: 'csr1',
      id: 'csr1',
      role: 'csr',
      name: 'Agent One',
      passwordHash: 'hash',
      demo: false,
      disabled: false,
    })
    expect(await store.upsertCustomers([{ ...V3_CUSTOMERS[0]!, email: 'nimal@example.lk' }])).toEqual({
      inserted: 0,
      updated: 1,
      unchanged: 0,
    })
    await store.close()
    const check = new Database(fixture.path, { readonly: true })
    try {
      expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    } finally {
      check.close()
    }
  })
})

const services = await scaleOutServices({ redis: false, skipping: 'the PostgreSQL directory migration test' })

describe.skipIf(!services.ok)('postgres directory migration to version 4', () => {
  it('brings a version 3 schema up in place: customers searchable, accounts enabled', async () => {
    const fixture = postgresStores()
    onTestFinished(fixture.cleanup)
    const client = new pg.Client({ connectionString: POSTGRES_URL })
    await client.connect()
    try {
      await client.query('BEGIN')
      await applyMigrations(
        client as unknown as pg.PoolClient,
        fixture.schema,
        MIGRATIONS.filter((m) => m.version <= 3),
      )
      await client.query('COMMIT')
      const t = (name: string) => `"${fixture.schema}".${name}`
      for (const c of V3_CUSTOMERS)
        await client.query(`INSERT INTO ${t('customers')} VALUES ($1, $2, $3, $4)`, [
          c.id,
          c.name,
          c.phone,
          c.phone.replace(/\D/g, ''),
        ])
      await client.query(`INSERT INTO ${t('users')} VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        ...V3_USER.slice(0, 6),
        false,
      ])
    } finally {
      await client.end()
    }
    const store = fixture.open()
    await store.migrate()
    const ids = async (q: string) => (await store.searchCustomers(q, 10)).map((c) => c.id)
    expect(await ids('perera')).toEqual(['C-0001'])
    expect(await ids('4321')).toEqual(['C-0002'])
    expect(await ids('0771234567')).toEqual(['C-0001'])
    expect(await store.findUser('csr1')).toMatchObject({ disabled: false })
    expect((await store.findUser('csr1'))?.createdAt).toBeUndefined()
  })
})
