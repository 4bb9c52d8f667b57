import { COMPILED_CATALOG, recordsOf, verifyChain } from '@consent-sync/consent-core'
import Database from 'better-sqlite3'
import { describe, expect, it, onTestFinished } from 'vitest'
import { verifyAdminChain } from '../audit/admin-chain'
import { sqliteStores } from '../testing/stores'
import { runCatalogTests } from './conformance/catalog'
import { runDocumentLogTests } from './conformance/document-log'
import { runDownstreamTests } from './conformance/downstream'
import { consentHistory, timeline } from './conformance/history'
import { runStoreTests } from './conformance/suites'
import { createSqliteStore } from './sqlite'
import { SCHEMA_VERSION } from './sqlite-schema'

runStoreTests('sqlite', sqliteStores)

describe('sqlite store, writing on the event loop (SQLITE_WRITER=inline)', () => {
  // The writes are the same functions as in the writer thread; this runs the catalog's through the other door.
  runCatalogTests(() => sqliteStores({ writer: 'inline' }))
})

describe('sqlite store, every write in the writer thread (SQLITE_WRITER=thread)', () => {
  // The default (adaptive) commits the conformance suites' small appends on the event loop.
  runDocumentLogTests(() => sqliteStores({ writer: 'thread' }))
  runDownstreamTests(() => sqliteStores({ writer: 'thread' }))
})

describe('sqlite store, adaptive writes', () => {
  it('leaves an append to the writer thread while another connection holds the lock, and the event loop runs on', async () => {
    const fixture = await sqliteStores()
    onTestFinished(fixture.cleanup)
    const store = fixture.open()
    await store.migrate()
    // An import or a CLI command on the same file, in the middle of its transaction.
    const other = new Database(fixture.path)
    onTestFinished(() => {
      other.close()
    })
    other.exec('BEGIN IMMEDIATE')
    const request = consentHistory('C-0001').record([
      {
        purposeId: 'marketing-sms',
        state: 'granted',
        by: 'customer',
        receivedAt: '2026-11-02T08:00:00.000Z',
      },
    ])
    let ticks = 0
    const ticker = setInterval(() => ticks++, 10)
    onTestFinished(() => clearInterval(ticker))
    const appended = store.append([request])
    let settled = false
    void appended.finally(() => {
      settled = true
    })
    await new Promise((r) => setTimeout(r, 300))
    // Waiting for the lock happened off the event loop: timers fired, the append still waits.
    expect(settled).toBe(false)
    expect(ticks).toBeGreaterThan(10)
    other.exec('COMMIT')
    expect(await appended).toEqual([{ customerId: 'C-0001', seq: 1 }])
    expect((await store.updatesSince('C-0001', 0)).map((u) => u.seq)).toEqual([1])
  })

  it('commits small appends, large batches and every other write in order, as one log', async () => {
    const fixture = await sqliteStores()
    onTestFinished(fixture.cleanup)
    const store = fixture.open()
    await store.migrate()
    const history = consentHistory('C-0002')
    const one = () =>
      history.record([
        {
          purposeId: 'marketing-sms',
          state: 'granted',
          by: 'customer',
          receivedAt: '2026-11-02T08:00:00.000Z',
        },
      ])
    // A batch of one, then a batch of twenty (past the inline limit) and one more, issued together.
    const first = store.append([one()])
    const many = store.append(Array.from({ length: 20 }, one))
    const last = store.append([one()])
    expect((await first).map((r) => r.seq)).toEqual([1])
    expect((await many).map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2))
    expect((await last).map((r) => r.seq)).toEqual([22])
    const entries = await store.auditChain('C-0002')
    expect(entries).toHaveLength(22)
    expect(verifyChain(entries).ok).toBe(true)
  })
})

/** Back to version 2 as it was written: no notice hashes, no catalog tables. */
function downgradeToVersion2(raw: Database.Database) {
  raw.exec(`DROP TABLE purposes; DROP TABLE notice_versions; DROP TABLE admin_audit;
    ALTER TABLE audit DROP COLUMN notice_hash;`)
  raw.pragma('user_version = 2')
}

describe('sqlite store specifics', () => {
  async function setup(synchronous?: 'FULL' | 'NORMAL') {
    const fixture = await sqliteStores()
    onTestFinished(fixture.cleanup)
    const { path } = fixture
    const open = () => createSqliteStore(synchronous ? { path, synchronous } : { path })
    const store = open()
    onTestFinished(() => store.close())
    await store.migrate()
    return { path, store }
  }

  it('runs in WAL mode', async () => {
    const { path, store } = await setup('NORMAL')
    await store.append([
      consentHistory('C-0001').record([
        {
          purposeId: 'marketing-sms',
          state: 'granted',
          by: 'customer',
          receivedAt: '2026-11-02T08:00:00.000Z',
        },
      ]),
    ])
    const other = new Database(path, { readonly: true })
    try {
      expect(other.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(other.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    } finally {
      other.close()
    }
  })

  it('brings a version 1 file up: its updates kept, the table one that appends in order', async () => {
    const { path, store } = await setup()
    await store.migrate()
    const request = consentHistory('C-0001').record([
      {
        purposeId: 'marketing-sms',
        state: 'granted',
        by: 'customer',
        receivedAt: '2026-11-02T08:00:00.000Z',
      },
    ])
    await store.append([request])
    await store.close()
    // Back to version 1 as it was written: updates WITHOUT ROWID.
    const raw = new Database(path)
    downgradeToVersion2(raw)
    raw.exec(`CREATE TABLE updates_v1 (customer_id TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL,
      received_at TEXT NOT NULL, connection_id TEXT NOT NULL, user_id TEXT NOT NULL, user_role TEXT NOT NULL,
      hash TEXT NOT NULL, PRIMARY KEY (customer_id, seq)) STRICT, WITHOUT ROWID;
      INSERT INTO updates_v1 SELECT * FROM updates; DROP TABLE updates; ALTER TABLE updates_v1 RENAME TO updates;`)
    raw.pragma('user_version = 1')
    raw.close()
    const again = createSqliteStore({ path })
    await again.migrate()
    expect((await again.updatesSince('C-0001', 0)).map((u) => [u.seq, u.hash])).toEqual([
      [1, request.meta.hash],
    ])
    await again.append(
      [
        consentHistory('C-0001').record([
          {
            purposeId: 'marketing-sms',
            state: 'withdrawn',
            by: 'customer',
            receivedAt: '2026-11-02T09:00:00.000Z',
          },
        ]),
      ].map((r) => ({ ...r, expectedSeq: 1, entries: [] })),
    )
    await again.close()
    const check = new Database(path, { readonly: true })
    try {
      const sql = (
        check.prepare("SELECT sql FROM sqlite_master WHERE name = 'updates'").get() as { sql: string }
      ).sql
      expect(sql).not.toMatch(/WITHOUT ROWID/)
      expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    } finally {
      check.close()
    }
  })

  it('brings a version 2 file up: its entries still verify, new ones keep their notice hash, the catalog works', async () => {
    const { path, store } = await setup()
    const step = timeline()
    const a = consentHistory('C-0001')
    // Entries as a version 2 server chained them: under the compiled catalog, without notice hashes.
    const old = [
      a.record([step('marketing-sms', 'granted')], COMPILED_CATALOG),
      a.record([step('marketing-push', 'granted')], COMPILED_CATALOG),
    ]
    await store.append(old)
    await store.close()
    const raw = new Database(path)
    downgradeToVersion2(raw)
    raw.close()

    const again = createSqliteStore({ path })
    onTestFinished(() => again.close())
    await again.migrate()
    const chain = await again.auditChain('C-0001')
    expect(chain).toStrictEqual(old.flatMap((r) => r.entries))
    expect(chain.some((e) => 'noticeHash' in e)).toBe(false)
    expect(verifyChain(chain).ok).toBe(true)
    // Entries chained with a notice hash from now on keep it, on the same chain.
    const next = a.record([step('marketing-sms', 'withdrawn')])
    expect(next.entries[0]!.noticeHash).toMatch(/^[0-9a-f]{64}$/)
    expect(await again.append([next])).toEqual([{ customerId: 'C-0001', seq: 3 }])
    const longer = await again.auditChain('C-0001')
    expect(longer).toStrictEqual([...chain, ...next.entries])
    expect(verifyChain(longer).ok).toBe(true)
    const { purposes, versions } = recordsOf(COMPILED_CATALOG, '2026-11-01T00:00:00.000Z', 'admin1')
    const created = await again.createPurpose(purposes[0]!, versions[0]!, {
      action: 'purpose.create',
      target: `purpose:${purposes[0]!.id}`,
      actorId: 'admin1',
      actorRole: 'admin',
      at: '2026-11-02T10:00:00.000Z',
      details: {},
    })
    expect(created).toMatchObject({ ok: true, entry: { seq: 1 } })
    expect(await again.listPurposes()).toStrictEqual([purposes[0]])
    expect(verifyAdminChain(await again.adminLog()).ok).toBe(true)
    const check = new Database(path, { readonly: true })
    try {
      expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    } finally {
      check.close()
    }
  })

  it('never changes or removes a published version or an admin entry, even asked directly', async () => {
    const { path, store } = await setup()
    const { purposes, versions } = recordsOf(COMPILED_CATALOG, '2026-11-01T00:00:00.000Z', 'admin1')
    await store.createPurpose(purposes[0]!, versions[0]!, {
      action: 'purpose.create',
      target: `purpose:${purposes[0]!.id}`,
      actorId: 'admin1',
      actorRole: 'admin',
      at: '2026-11-02T10:00:00.000Z',
      details: {},
    })
    const raw = new Database(path)
    try {
      expect(() => raw.exec(`UPDATE notice_versions SET notice = '{}'`)).toThrow(/immutable/)
      expect(() => raw.exec('DELETE FROM notice_versions')).toThrow(/immutable/)
      expect(() => raw.exec(`UPDATE admin_audit SET actor_id = 'someone'`)).toThrow(/append-only/)
      expect(() => raw.exec('DELETE FROM admin_audit')).toThrow(/append-only/)
    } finally {
      raw.close()
    }
    expect(await store.listVersions()).toStrictEqual([versions[0]])
  })

  it('refuses a file written by a newer schema version', async () => {
    const { path, store } = await setup()
    await store.close()
    const raw = new Database(path)
    raw.pragma('user_version = 99')
    raw.close()
    const newer = createSqliteStore({ path })
    onTestFinished(() => newer.close())
    await expect(newer.migrate()).rejects.toThrow(/schema version 99/)
  })
})
