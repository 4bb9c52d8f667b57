import { COMPILED_CATALOG, recordsOf } from '@consent-sync/consent-core'
import { describe, expect, it, onTestFinished } from 'vitest'
import { POSTGRES_URL, scaleOutServices, sql } from '../testing/services'
import { postgresStores } from '../testing/stores'
import { consentHistory } from './conformance/history'
import { runStoreTests } from './conformance/suites'
import { createPostgresStore } from './postgres'
import { MIGRATIONS } from './postgres-schema'

const services = await scaleOutServices({ redis: false, skipping: 'the PostgreSQL store tests' })

describe.skipIf(!services.ok)('postgres', () => {
  runStoreTests('postgres', async () => postgresStores())

  describe('postgres store specifics', () => {
    /** Stores opened on one fresh schema (like server instances sharing a database), all closed and the schema dropped after the test. */
    function setup() {
      const fixture = postgresStores({ max: 3 })
      onTestFinished(fixture.cleanup)
      return fixture
    }

    const t = (m: number) => `2026-11-02T08:0${m}:00.000Z`

    it('creates its schema, records the migrations once, and migrates again without harm', async () => {
      const { schema, open } = setup()
      const store = open()
      await store.migrate()
      await store.migrate()
      const { rows } = await sql(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`)
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version))
    })

    it('lets several instances migrate the same new schema at once', async () => {
      const { schema, open } = setup()
      const stores = [open(), open(), open(), open()]
      await Promise.all(stores.map((s) => s.migrate()))
      const { rows } = await sql(`SELECT count(*)::int AS n FROM "${schema}".schema_migrations`)
      expect(rows[0].n).toBe(MIGRATIONS.length)
      const a = consentHistory('C-0001')
      const step = (m: number) => ({
        purposeId: 'marketing-sms',
        state: 'granted' as const,
        by: 'customer' as const,
        receivedAt: t(m),
      })
      const [first] = await stores[0]!.append([a.record([step(1)])])
      const [second] = await stores[3]!.append([a.record([step(2)])])
      expect([first!.seq, second!.seq]).toEqual([1, 2])
    })

    it('refuses a schema written by a newer version', async () => {
      const { schema, open } = setup()
      await open().migrate()
      await sql(`INSERT INTO "${schema}".schema_migrations (version) VALUES (99)`)
      await expect(open().migrate()).rejects.toThrow(/version 99/)
    })

    it('refuses a schema name it would have to quote', () => {
      expect(() =>
        createPostgresStore({ connectionString: POSTGRES_URL, schema: 'x"; DROP TABLE y; --' }),
      ).toThrow(/schema/)
    })

    it('keeps schemas apart', async () => {
      const one = setup().open()
      const other = setup().open()
      await one.migrate()
      await other.migrate()
      await one.append([
        consentHistory('C-0001').record([
          { purposeId: 'marketing-sms', state: 'granted', by: 'customer', receivedAt: t(1) },
        ]),
      ])
      expect(await one.documentIds()).toEqual(['C-0001'])
      expect(await other.documentIds()).toEqual([])
    })

    it('never changes or removes a published version or an admin entry, even asked directly', async () => {
      const { schema, open } = setup()
      const store = open()
      await store.migrate()
      const { purposes, versions } = recordsOf(COMPILED_CATALOG, t(0), 'admin1')
      await store.createPurpose(purposes[0]!, versions[0]!, {
        action: 'purpose.create',
        target: `purpose:${purposes[0]!.id}`,
        actorId: 'admin1',
        actorRole: 'admin',
        at: t(1),
        details: {},
      })
      for (const statement of [
        `UPDATE "${schema}".notice_versions SET notice = '{}'`,
        `DELETE FROM "${schema}".notice_versions`,
        `UPDATE "${schema}".admin_audit SET actor_id = 'someone'`,
        `DELETE FROM "${schema}".admin_audit`,
      ]) {
        await expect(sql(statement), statement).rejects.toThrow(/never changed or removed/)
      }
      expect(await store.listVersions()).toStrictEqual([versions[0]])
      expect(await store.adminLog()).toHaveLength(1)
    })

    it('closes twice without error and then fails ping', async () => {
      const { open } = setup()
      const store = open()
      await store.migrate()
      await store.close()
      await store.close()
      await expect(store.ping()).rejects.toThrow()
    })
  })
})
