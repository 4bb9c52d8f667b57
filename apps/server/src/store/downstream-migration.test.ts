import { COMPILED_CATALOG, recordsOf } from '@consent-sync/consent-core'
import Database from 'better-sqlite3'
import pg from 'pg'
import { describe, expect, it, onTestFinished } from 'vitest'
import { POSTGRES_URL, scaleOutServices, sql } from '../testing/services'
import { postgresStores, sqliteStores } from '../testing/stores'
import { consentHistory, timeline } from './conformance/history'
import { applyMigrations, MIGRATIONS } from './postgres-schema'
import { SCHEMA_VERSION } from './sqlite-schema'
import type { Store } from './store'

const services = await scaleOutServices({ redis: false, skipping: 'the PostgreSQL upgrade test' })

/** What a version 4 server stored: a catalog (marketing-sms with a 30-day lifetime) and decisions, no downstream writes. */
async function storeAsVersion4(store: Store) {
  const at = '2026-11-01T00:00:00.000Z'
  const { purposes, versions } = recordsOf(COMPILED_CATALOG, at, 'admin1')
  for (const [i, p] of purposes.entries()) {
    const v = versions[i]!
    await store.createPurpose(p, p.id === 'marketing-sms' ? { ...v, lifetimeDays: 30 } : v, {
      action: 'purpose.create',
      target: `purpose:${p.id}`,
      actorId: 'admin1',
      actorRole: 'admin',
      at,
      details: {},
    })
  }
  const step = timeline()
  const a = consentHistory('C-0001')
  const b = consentHistory('C-0002')
  const requests = [
    a.record([step('marketing-sms', 'granted'), step('marketing-push', 'granted')]),
    b.record([step('marketing-sms', 'granted', 'csr')]),
    a.record([step('marketing-push', 'withdrawn')]),
  ]
  await store.append(requests)
  return requests
}

/** The rows a version 5 store must hold for `storeAsVersion4`'s decisions. */
function expectBackfilled(
  rows: Awaited<ReturnType<Store['consentStates']>>,
  requests: Awaited<ReturnType<typeof storeAsVersion4>>,
) {
  const smsAt = requests[0]!.entries[0]!.receivedAt
  const pushAt = requests[2]!.entries[0]!.receivedAt
  const thirtyDays = (t: string) => new Date(Date.parse(t) + 30 * 86_400_000).toISOString()
  expect(rows).toEqual([
    {
      customerId: 'C-0001',
      purposeId: 'marketing-sms',
      state: 'granted',
      conflicted: false,
      noticeVersion: '1.0',
      decidedAt: smsAt,
      effectiveState: 'granted',
      expiresAt: thirtyDays(smsAt),
      changeSeq: 0,
    },
    expect.objectContaining({ customerId: 'C-0002', purposeId: 'marketing-sms', state: 'granted' }),
    {
      customerId: 'C-0001',
      purposeId: 'marketing-push',
      state: 'withdrawn',
      conflicted: false,
      noticeVersion: '1.0',
      decidedAt: pushAt,
      effectiveState: 'withdrawn',
      expiresAt: null,
      changeSeq: 0,
    },
  ])
}

/** The analytics of the upgraded store count the customers and grants that have no events. */
async function expectAnalyticsBaseline(store: Store) {
  expect(await store.rollUpAnalytics(100)).toBe(0)
  expect(await store.customersUpTo(null)).toBe(2)
  expect(await store.grantedUpTo(null)).toEqual([{ purposeId: 'marketing-sms', granted: 2 }])
  // Counted on the day of the decision, not before it.
  expect(await store.customersUpTo('2026-11-01')).toBe(0)
}

async function readRows(store: Store) {
  const sms = await store.consentStates('marketing-sms', ['C-0001', 'C-0002'])
  sms.sort((x, y) => x.customerId.localeCompare(y.customerId))
  return [...sms, ...(await store.consentStates('marketing-push', ['C-0001', 'C-0002']))]
}

describe('upgrading a store to the current-state table and the outbox', () => {
  it('fills the table of a version 4 SQLite file from its audit entries, with no events', async () => {
    const fixture = await sqliteStores()
    onTestFinished(fixture.cleanup)
    const store = fixture.open()
    await store.migrate()
    const requests = await storeAsVersion4(store)
    await store.close()
    // Back to version 4 as it was written: no downstream tables.
    const raw = new Database(fixture.path)
    raw.exec('DROP TABLE consent_states; DROP TABLE outbox;')
    for (const { name } of raw
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'analytics_%'")
      .all() as { name: string }[])
      raw.exec(`DROP TABLE ${name}`)
    raw.pragma('user_version = 4')
    raw.close()

    const again = fixture.open()
    await again.migrate()
    expectBackfilled(await readRows(again), requests)
    expect(await again.outboxHead()).toBe(0)
    await expectAnalyticsBaseline(again)
    const check = new Database(fixture.path, { readonly: true })
    try {
      expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    } finally {
      check.close()
    }
  })

  it.skipIf(!services.ok)(
    'fills the table of a PostgreSQL schema at migration 4, and appends go on with events',
    async () => {
      const fixture = postgresStores()
      onTestFinished(fixture.cleanup)
      const client = new pg.Client({ connectionString: POSTGRES_URL })
      await client.connect()
      try {
        await client.query('BEGIN')
        await applyMigrations(
          client as unknown as pg.PoolClient,
          fixture.schema,
          MIGRATIONS.filter((m) => m.version <= 4),
        )
        await client.query('COMMIT')
      } finally {
        await client.end()
      }
      const store = fixture.open()
      // Migration 4's append_batch: the derived writes are not even read.
      const requests = await storeAsVersion4(store)
      await store.migrate()
      expectBackfilled(await readRows(store), requests)
      expect(await store.outboxHead()).toBe(0)
      await expectAnalyticsBaseline(store)
      const { rows } = await sql(`SELECT max(version)::int AS v FROM "${fixture.schema}".schema_migrations`)
      expect(rows[0].v).toBe(Math.max(...MIGRATIONS.map((m) => m.version)))
    },
  )
})
