import { type AuditEntry, GENESIS, readDecisions, verifyChain } from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { AuditLog } from '../audit-log'
import type { AppendRequest, AppendResult, DocumentLog } from '../document-log'
import type { StoreLifecycle } from '../store'
import { fixtures, type MakeStore } from './fixture'
import { consentHistory, rechained, timeline } from './history'

/** What the document log suite looks at: the log, and the chain its appends stored. */
export type DocumentLogSubject = StoreLifecycle & DocumentLog & Pick<AuditLog, 'chainHead' | 'auditChain'>

/** DocumentLog: seqs, optimistic concurrency, the chain rule, all-or-nothing batches, snapshots. */
export function runDocumentLogTests(makeStore: MakeStore<DocumentLogSubject>): void {
  const { setup } = fixtures(makeStore)

  /** A store where C-0001 decided once and C-0002 not yet, with their histories to go on with. */
  async function oneDecisionStored() {
    const store = await setup()
    const step = timeline()
    const a = consentHistory('C-0001')
    const b = consentHistory('C-0002')
    await store.append([a.record([step('marketing-sms', 'granted')])])
    return { store, step, a, b }
  }

  describe('document log', () => {
    it('assigns seq 1..n per customer, across batches and within a batch mixing customers', async () => {
      const store = await setup()
      const step = timeline()
      const a = consentHistory('C-0001')
      const b = consentHistory('C-0002')
      const first = [
        a.record([step('marketing-sms', 'granted')]),
        b.record([step('marketing-sms', 'granted', 'csr')]),
        a.record([step('marketing-sms', 'withdrawn'), step('marketing-push', 'granted')]),
      ]
      const second = [
        b.record([step('partner-sharing', 'granted')]),
        a.record([step('location-offers', 'granted')]),
      ]
      const r1 = await store.append(first)
      const r2 = await store.append(second)
      expect(r1.map((r) => [r.customerId, r.seq])).toEqual([
        ['C-0001', 1],
        ['C-0002', 1],
        ['C-0001', 2],
      ])
      expect(r2.map((r) => [r.customerId, r.seq])).toEqual([
        ['C-0002', 2],
        ['C-0001', 3],
      ])
      expect(await store.updateSeq('C-0001')).toBe(3)
      expect(await store.updateSeq('C-0002')).toBe(2)
      expect(await store.updateSeq('C-0404')).toBe(0)
      expect(await store.updateSeqs(['C-0002', 'C-0404', 'C-0001'])).toEqual([2, 0, 3])
      expect(await store.updateSeqs([])).toEqual([])
      const stored = await store.updatesSince('C-0001', 0)
      expect(stored.map((u) => u.seq)).toEqual([1, 2, 3])
      expect(stored.map((u) => u.update)).toEqual([first[0]!.update, first[2]!.update, second[1]!.update])
      expect(stored[1]).toEqual({ customerId: 'C-0001', seq: 2, update: first[2]!.update, ...first[2]!.meta })
      // Audit seqs count entries, not updates: the second update of C-0001 held two decisions.
      const chain = await store.auditChain('C-0001')
      expect(chain.map((e) => [e.seq, e.updateHash])).toEqual([
        [1, first[0]!.meta.hash],
        [2, first[2]!.meta.hash],
        [3, first[2]!.meta.hash],
        [4, second[1]!.meta.hash],
      ])
    })

    it('appends a request with an expected seq only while the log is still there (another instance wrote)', async () => {
      const { store, step, a, b } = await oneDecisionStored()
      const chainBefore = await store.auditChain('C-0001')
      const stale = { ...a.record([step('marketing-sms', 'withdrawn')]), expectedSeq: 0 }
      const fresh = { ...b.record([step('marketing-sms', 'granted')]), expectedSeq: 0 }
      const results = await store.append([stale, fresh])
      // The stale request is not stored; the other request of the batch is.
      expect(results[0]).toEqual({ customerId: 'C-0001', seq: 1, behind: true })
      expect(results[1]).toMatchObject({ customerId: 'C-0002', seq: 1 })
      expect(results[1]?.behind).toBeUndefined()
      expect(await store.updateSeq('C-0001')).toBe(1)
      expect(await store.auditChain('C-0001')).toEqual(chainBefore)
      const current = await store.append([{ ...stale, expectedSeq: 1 }])
      expect(current[0]).toEqual({ customerId: 'C-0001', seq: 2 })
      expect(await store.auditChain('C-0001')).toEqual([...chainBefore, ...stale.entries])
      expect(verifyChain(await store.auditChain('C-0001')).ok).toBe(true)
    })

    it('refuses, as behind and storing nothing, entries that do not continue its stored chain', async () => {
      const { store, step, a, b } = await oneDecisionStored()
      const chainBefore = await store.auditChain('C-0001')
      const head = await store.chainHead('C-0001')
      const next = a.record([step('marketing-push', 'granted')])
      // Chained onto an older head (another instance stored first), or past the stored one.
      const forked = rechained(next, GENESIS)
      const ahead = rechained(next, { seq: head.seq + 1, hash: head.hash })
      const elsewhere = rechained(next, { seq: head.seq, hash: GENESIS.hash })
      const results = await store.append([
        forked,
        ahead,
        elsewhere,
        b.record([step('marketing-sms', 'granted')]),
      ])
      expect(results.slice(0, 3)).toEqual(
        [0, 1, 2].map(() => ({ customerId: 'C-0001', seq: 1, behind: true })),
      )
      expect(results[3]).toEqual({ customerId: 'C-0002', seq: 1 })
      expect(await store.updateSeq('C-0001')).toBe(1)
      expect(await store.auditChain('C-0001')).toEqual(chainBefore)
      expect(await store.chainHead('C-0001')).toEqual(head)
      // Chained onto the stored head, the same update is stored.
      expect(await store.append([next])).toEqual([{ customerId: 'C-0001', seq: 2 }])
      expect(verifyChain(await store.auditChain('C-0001')).ok).toBe(true)
    })

    it('stores one of two appends chained onto the same head at once; the other is behind', async () => {
      const { store, step, a } = await oneDecisionStored()
      const head = await store.chainHead('C-0001')
      const one = a.record([step('marketing-push', 'granted')])
      const other = rechained(consentHistory('C-0001').record([step('usage-analytics', 'granted')]), head)
      const results = (await Promise.all([store.append([one]), store.append([other])])).flat()
      expect(results.filter((r) => r.behind)).toHaveLength(1)
      expect(results.filter((r) => !r.behind)).toEqual([{ customerId: 'C-0001', seq: 2 }])
      const chain = await store.auditChain('C-0001')
      expect(chain).toHaveLength(2)
      expect(verifyChain(chain).ok).toBe(true)
    })

    const spoilEntries = (good: AppendRequest, spoil: (e: AuditEntry, i: number) => AuditEntry) => ({
      ...good,
      entries: good.entries.map(spoil),
    })
    const badRequests: [string, (good: AppendRequest) => AppendRequest][] = [
      ['update is not bytes', (good) => ({ ...good, update: 'not bytes' as unknown as Uint8Array })],
      [
        'an audit entry lacks its customer',
        (good) => spoilEntries(good, (e) => ({ ...e, customerId: undefined as unknown as string })),
      ],
      [
        'an audit entry lacks a required field',
        (good) => spoilEntries(good, (e) => ({ ...e, purposeId: undefined as unknown as string })),
      ],
      [
        'the entries do not chain onto each other',
        (good) => spoilEntries(good, (e, i) => (i === 1 ? { ...e, prevHash: GENESIS.hash } : e)),
      ],
    ]
    it.each(badRequests)('stores nothing of a batch with one bad request: %s', async (_label, spoil) => {
      const { store, step, a, b } = await oneDecisionStored()
      const headBefore = await store.chainHead('C-0001')
      const batch = [
        a.record([step('marketing-sms', 'withdrawn')]),
        b.record([step('marketing-sms', 'granted')]),
        spoil(a.record([step('marketing-push', 'granted'), step('location-offers', 'granted')])),
      ]
      await expect(store.append(batch)).rejects.toThrow()
      expect(await store.updateSeq('C-0001')).toBe(1)
      expect(await store.updateSeq('C-0002')).toBe(0)
      expect(await store.chainHead('C-0001')).toEqual(headBefore)
      expect(await store.auditChain('C-0001')).toHaveLength(1)
      expect(await store.auditChain('C-0002')).toEqual([])
      expect(await store.documentIds()).toEqual(['C-0001'])
      // The store is still usable and seq goes on without a gap.
      const [r] = await store.append([batch[0]!])
      expect(r!.seq).toBe(2)
      expect(verifyChain(await store.auditChain('C-0001')).ok).toBe(true)
    })

    it('keeps seq and chain valid under concurrent appends for different customers', async () => {
      const store = await setup()
      const step = timeline()
      const ids = ['C-0001', 'C-0002', 'C-0003']
      const perCustomer = 8
      const histories = ids.map((id) => consentHistory(id))
      const results: AppendResult[] = []
      // Each customer's updates in order, as its room sends them; customers at once, in calls of
      // one request and of two, in both orders.
      for (let i = 0; i < perCustomer; i++) {
        const round = histories.map((h) =>
          h.record([step('marketing-sms', i % 2 === 0 ? 'granted' : 'withdrawn')]),
        )
        if (i % 2 === 1) round.reverse()
        const calls = [store.append(round.slice(0, 1)), store.append(round.slice(1))]
        results.push(...(await Promise.all(calls)).flat())
      }
      expect(results).toHaveLength(ids.length * perCustomer)
      expect(results.filter((r) => r.behind)).toEqual([])
      for (const id of ids) {
        const seqs = results.filter((r) => r.customerId === id).map((r) => r.seq)
        expect(seqs.sort((x, y) => x - y)).toEqual(Array.from({ length: perCustomer }, (_, i) => i + 1))
        const chain = await store.auditChain(id)
        expect(chain).toHaveLength(perCustomer)
        expect(verifyChain(chain).ok).toBe(true)
        expect(await store.chainHead(id)).toEqual({ seq: perCustomer, hash: chain.at(-1)!.hash })
      }
    })

    it('loads a document that has no data as empty', async () => {
      const store = await setup()
      expect(await store.loadDocument('C-0404')).toEqual({
        customerId: 'C-0404',
        snapshot: null,
        snapshotSeq: 0,
        tail: [],
        head: GENESIS,
      })
      expect(await store.updatesSince('C-0404', 0)).toEqual([])
      expect(await store.auditChain('C-0404')).toEqual([])
    })

    it('loads the snapshot and only the tail after it; updatesSince still returns compacted updates', async () => {
      const store = await setup()
      const step = timeline()
      const a = consentHistory('C-0001')
      const requests = [
        a.record([step('marketing-sms', 'granted')]),
        a.record([step('marketing-push', 'granted')]),
        a.record([step('marketing-sms', 'withdrawn', 'csr')]),
      ]
      await store.append(requests.slice(0, 2))
      const snapshotDoc = new Y.Doc()
      for (const r of requests.slice(0, 2)) Y.applyUpdate(snapshotDoc, r.update)
      const snapshot = Y.encodeStateAsUpdate(snapshotDoc)
      await store.append(requests.slice(2))
      await store.saveSnapshot('C-0001', snapshot, 2)

      const loaded = await store.loadDocument('C-0001')
      expect(loaded.snapshot).toEqual(snapshot)
      expect(loaded.snapshotSeq).toBe(2)
      expect(loaded.tail.map((u) => u.seq)).toEqual([3])
      // The chain head as of the last update of the tail: what the next entries chain onto.
      expect(loaded.head).toEqual(await store.chainHead('C-0001'))
      expect(loaded.head.seq).toBe(3)
      const replica = new Y.Doc()
      Y.applyUpdate(replica, loaded.snapshot!)
      for (const u of loaded.tail) Y.applyUpdate(replica, u.update)
      expect(readDecisions(replica)).toEqual(readDecisions(a.doc))

      expect((await store.updatesSince('C-0001', 0)).map((u) => u.seq)).toEqual([1, 2, 3])
      expect((await store.updatesSince('C-0001', 1)).map((u) => u.seq)).toEqual([2, 3])
      expect(await store.updatesSince('C-0001', 3)).toEqual([])
    })

    it('reads the updates received by an instant, in seq order, ending at the first received after it', async () => {
      const store = await setup()
      const a = consentHistory('C-0001')
      const at = (minute: number) =>
        new Date(Date.parse('2026-11-02T08:00:00.000Z') + minute * 60_000).toISOString()
      const step = (minute: number, state: 'granted' | 'withdrawn') =>
        ({ purposeId: 'marketing-sms', state, by: 'customer', receivedAt: at(minute) }) as const
      // The third update's receive time is earlier than the second's (another instance's clock):
      // what the server held at an instant is a prefix of the log, never a selection from it.
      await store.append([a.record([step(1, 'granted')]), a.record([step(3, 'withdrawn')])])
      await store.append([a.record([step(2, 'granted')]), a.record([step(4, 'withdrawn')])])
      const seqs = async (t: string) => (await store.updatesReceivedBy('C-0001', t)).map((u) => u.seq)
      expect(await seqs(at(0))).toEqual([])
      expect(await seqs(at(1))).toEqual([1])
      expect(await seqs(at(2))).toEqual([1])
      expect(await seqs(at(3))).toEqual([1, 2, 3])
      expect(await seqs(at(5))).toEqual([1, 2, 3, 4])
      await store.saveSnapshot('C-0001', Y.encodeStateAsUpdate(a.doc), 4)
      // Compacted updates are still there to replay.
      const stored = await store.updatesReceivedBy('C-0001', at(3))
      expect(stored.map((u) => [u.seq, u.receivedAt])).toEqual([
        [1, at(1)],
        [2, at(3)],
        [3, at(2)],
      ])
      expect(stored[0]?.update).toBeInstanceOf(Uint8Array)
      expect(await store.updatesReceivedBy('C-0404', at(5))).toEqual([])
    })

    it('keeps a newer snapshot over an older one and refuses a snapshot past the log', async () => {
      const store = await setup()
      const step = timeline()
      const a = consentHistory('C-0001')
      await store.append([
        a.record([step('marketing-sms', 'granted')]),
        a.record([step('marketing-push', 'granted')]),
      ])
      const newer = Y.encodeStateAsUpdate(a.doc)
      await store.saveSnapshot('C-0001', newer, 2)
      await store.saveSnapshot('C-0001', new Uint8Array([0, 0]), 1)
      const loaded = await store.loadDocument('C-0001')
      expect(loaded.snapshotSeq).toBe(2)
      expect(loaded.snapshot).toEqual(newer)
      await expect(store.saveSnapshot('C-0001', newer, 3)).rejects.toThrow()
      await expect(store.saveSnapshot('C-0404', newer, 1)).rejects.toThrow()
    })

    it('lists document ids sorted', async () => {
      const store = await setup()
      const step = timeline()
      expect(await store.documentIds()).toEqual([])
      for (const id of ['C-0003', 'C-0001', 'C-0010', 'C-0002']) {
        await store.append([consentHistory(id).record([step('marketing-sms', 'granted')])])
      }
      expect(await store.documentIds()).toEqual(['C-0001', 'C-0002', 'C-0003', 'C-0010'])
    })
  })
}
