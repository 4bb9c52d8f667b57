import { verifyChain } from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import type { Store } from '../store'
import { fixtures, type MakeStore } from './fixture'
import { consentHistory, timeline } from './history'

/** StoreLifecycle: migrate, ping, close, and everything kept across a restart. */
export function runLifecycleTests(makeStore: MakeStore<Store>): void {
  const { fixture, setup } = fixtures(makeStore)
  describe('lifecycle', () => {
    it('migrates twice without harm and answers ping', async () => {
      const store = await setup()
      const step = timeline()
      await store.migrate()
      await expect(store.ping()).resolves.toBeUndefined()
      const a = consentHistory('C-0001')
      const [r] = await store.append([a.record([step('marketing-sms', 'granted')])])
      expect(r!.seq).toBe(1)
    })

    it('keeps everything across a restart (close, then a new store on the same data)', async () => {
      const { open } = await fixture()
      const store = open()
      await store.migrate()
      const t = (m: number) => `2026-11-02T08:0${m}:00.000Z`
      const a = consentHistory('C-0001')
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
        page: await store.queryAudit({ limit: 1 }),
      }
      await store.close()

      const restarted = open()
      await restarted.migrate()
      expect(await restarted.loadDocument('C-0001')).toEqual(before.doc)
      expect(await restarted.auditChain('C-0001')).toEqual(before.chain)
      expect(await restarted.chainHead('C-0001')).toEqual(before.head)
      expect(verifyChain(before.chain).ok).toBe(true)
      // A cursor issued before the restart still pages on.
      const rest = await restarted.queryAudit({ limit: 10, cursor: before.page.nextCursor! })
      expect([...before.page.entries, ...rest.entries]).toEqual([...before.chain].reverse())
      expect(await restarted.getCustomer('C-0001')).toEqual({
        id: 'C-0001',
        name: 'Nimal Perera',
        phone: '+94 77 123 4567',
      })
      expect(await restarted.hasDemoUsers()).toBe(true)
      const [next] = await restarted.append([
        a.record([{ purposeId: 'marketing-push', state: 'granted', by: 'customer', receivedAt: t(3) }]),
      ])
      expect(next!.seq).toBe(3)
      expect(verifyChain(await restarted.auditChain('C-0001')).ok).toBe(true)
    })
  })
}
