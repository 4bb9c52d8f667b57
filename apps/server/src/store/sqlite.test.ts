import Database from 'better-sqlite3'
import { describe, expect, it, onTestFinished } from 'vitest'
import { sqliteStores } from '../testing/stores'
import { consentHistory } from './conformance/history'
import { runStoreTests } from './conformance/suites'
import { createSqliteStore } from './sqlite'

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
      expect(other.pragma('user_version', { simple: true })).toBe(1)
    } finally {
      other.close()
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
