import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { verifyChain } from '@consent-sync/consent-core'
import Database from 'better-sqlite3'
import { describe, expect, it, onTestFinished } from 'vitest'
import { consentHistory, runStoreTests } from './conformance'
import { createSqliteStore } from './sqlite'

async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'consent-store-'))
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}

runStoreTests('sqlite', async () => {
  const { dir, remove } = await tempDir()
  const store = createSqliteStore({ path: join(dir, 'consent.db') })
  return {
    store,
    cleanup: async () => {
      await store.close()
      await remove()
    },
  }
})

describe('sqlite store specifics', () => {
  async function setup(synchronous?: 'FULL' | 'NORMAL') {
    const { dir, remove } = await tempDir()
    const path = join(dir, 'consent.db')
    const open = () => createSqliteStore(synchronous ? { path, synchronous } : { path })
    const store = open()
    onTestFinished(async () => {
      await store.close()
      await remove()
    })
    await store.migrate()
    return { path, store, open }
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

  it('keeps everything across close and reopen', async () => {
    const { store, open } = await setup()
    const a = consentHistory('C-0001')
    const t = (m: number) => `2026-11-02T08:0${m}:00.000Z`
    await store.append([
      a.record([{ purposeId: 'marketing-sms', state: 'granted', by: 'customer', receivedAt: t(1) }]),
      a.record([{ purposeId: 'marketing-sms', state: 'withdrawn', by: 'csr', receivedAt: t(2) }]),
    ])
    await store.saveSnapshot('C-0001', new Uint8Array([1, 2, 3]), 1)
    await store.upsertCustomer({ id: 'C-0001', name: 'Nimal Perera', phone: '+94 77 123 4567' })
    await store.upsertUser({
      username: 'csr1',
      id: 'csr1',
      role: 'csr',
      name: 'Agent',
      passwordHash: 'x',
      demo: true,
    })
    const before = {
      doc: await store.loadDocument('C-0001'),
      chain: await store.auditChain('C-0001'),
      head: await store.chainHead('C-0001'),
    }
    await store.close()

    const reopened = open()
    onTestFinished(() => reopened.close())
    await reopened.migrate()
    expect(await reopened.loadDocument('C-0001')).toEqual(before.doc)
    expect(await reopened.auditChain('C-0001')).toEqual(before.chain)
    expect(await reopened.chainHead('C-0001')).toEqual(before.head)
    expect(verifyChain(before.chain).ok).toBe(true)
    expect(await reopened.getCustomer('C-0001')).toEqual({
      id: 'C-0001',
      name: 'Nimal Perera',
      phone: '+94 77 123 4567',
    })
    expect(await reopened.hasDemoUsers()).toBe(true)
    const [next] = await reopened.append([
      a.record([{ purposeId: 'marketing-push', state: 'granted', by: 'customer', receivedAt: t(3) }]),
    ])
    expect(next!.seq).toBe(3)
    expect(verifyChain(await reopened.auditChain('C-0001')).ok).toBe(true)
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
