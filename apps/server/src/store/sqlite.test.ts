import Database from 'better-sqlite3'
import { describe, expect, it, onTestFinished } from 'vitest'
import { sqliteStores } from '../testing/stores'
import { consentHistory } from './conformance/history'
import { runStoreTests } from './conformance/suites'
import { createSqliteStore } from './sqlite'
import { SCHEMA_VERSION } from './sqlite-schema'

runStoreTests('sqlite', sqliteStores)

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
