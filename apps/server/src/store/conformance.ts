import {
  type AuditEntry,
  auditEntriesFor,
  type ChainHead,
  type Channel,
  chainAll,
  DEFAULT_CATALOG,
  type DecisionState,
  decide,
  GENESIS,
  readDecisions,
  sha256Hex,
  verifyChain,
} from '@consent-sync/consent-core'
import { describe, expect, it, onTestFinished } from 'vitest'
import * as Y from 'yjs'
import {
  type AppendRequest,
  type AppendResult,
  type AuditFilter,
  InvalidCursorError,
  type Store,
} from './types'

/** One decision to record, as a customer (web) or an agent (phone, with evidence). */
export interface Step {
  purposeId: string
  state: DecisionState
  by: 'customer' | 'csr'
  /** Server receive time; distinct per step so time filters can be tested. */
  receivedAt: string
}

/** The request with its entries chained onto `head` instead, as after re-reading the store. */
export function rechained(request: AppendRequest, head: ChainHead): AppendRequest {
  const records = request.entries.map(({ seq: _seq, prevHash: _prev, hash: _hash, ...record }) => record)
  return { ...request, entries: chainAll(head, records) }
}

/**
 * A customer's consent document on a client, producing real append requests: each `record`
 * makes decisions with consent-core, captures the update bytes, derives the audit records and
 * chains them after the previous request's (the accepting side chains, the store checks).
 */
export function consentHistory(customerId: string) {
  const doc = new Y.Doc()
  let connection = 0
  let head: ChainHead = GENESIS
  return {
    doc,
    record(steps: readonly Step[]): AppendRequest {
      const first = steps[0]
      if (!first) throw new Error('record needs at least one step')
      const before = readDecisions(doc)
      const chunks: Uint8Array[] = []
      const capture = (u: Uint8Array) => chunks.push(u)
      doc.on('update', capture)
      const added = doc.transact(() =>
        steps.map((s) => {
          const csr = s.by === 'csr'
          const channel: Channel = csr ? 'phone' : 'web'
          const purpose = DEFAULT_CATALOG.purposes.find((p) => p.id === s.purposeId)
          return decide(
            doc,
            {
              purposeId: s.purposeId,
              state: s.state,
              actor: csr ? { id: 'csr1', role: 'csr' } : { id: customerId, role: 'customer' },
              channel,
              noticeVersion: purpose?.version ?? '0',
              at: s.receivedAt,
              ...(csr ? { evidence: `call ${s.receivedAt}` } : {}),
            },
            DEFAULT_CATALOG,
          )
        }),
      )
      doc.off('update', capture)
      const update = Y.mergeUpdates(chunks)
      const user =
        first.by === 'csr'
          ? { id: 'csr1', role: 'csr' as const }
          : { id: customerId, role: 'customer' as const }
      const meta = {
        receivedAt: first.receivedAt,
        connectionId: `conn-${customerId}-${++connection}`,
        userId: user.id,
        userRole: user.role,
        hash: sha256Hex(update),
      }
      const ctx = {
        customerId,
        receivedAt: meta.receivedAt,
        connectionId: meta.connectionId,
        updateHash: meta.hash,
        user,
      }
      const entries = chainAll(head, auditEntriesFor(before, added, ctx, DEFAULT_CATALOG))
      const last = entries.at(-1)
      if (last) head = { seq: last.seq, hash: last.hash }
      return { customerId, update, meta, entries }
    },
  }
}

/** A step factory whose receive times increase one minute per step, from a fixed start. */
function timeline() {
  let clock = Date.parse('2026-11-02T08:00:00.000Z')
  return (purposeId: string, state: DecisionState, by: Step['by'] = 'customer'): Step => {
    clock += 60_000
    return { purposeId, state, by, receivedAt: new Date(clock).toISOString() }
  }
}

/** Every adapter's test file calls this with a factory for a fresh, empty store (DESIGN.md §8). */
/**
 * What an adapter's test gives the suite: `open()` opens a store on one fresh set of data (called
 * again, another store on the same data, as after a restart); `cleanup` closes every store it
 * opened and removes the data.
 */
export interface StoreFixture {
  open: () => Store
  cleanup: () => Promise<void>
}

export function runStoreTests(name: string, makeStore: () => Promise<StoreFixture>): void {
  async function fixture(): Promise<StoreFixture> {
    const f = await makeStore()
    onTestFinished(f.cleanup)
    return f
  }

  async function setup(): Promise<Store> {
    const store = (await fixture()).open()
    await store.migrate()
    return store
  }

  /** Appends a small history for two customers, one request at a time; returns every entry in append order. */
  async function seed(store: Store) {
    const step = timeline()
    const a = consentHistory('C-0001')
    const b = consentHistory('C-0002')
    const requests = [
      a.record([step('marketing-sms', 'granted')]),
      b.record([step('marketing-email', 'granted', 'csr'), step('usage-analytics', 'granted', 'csr')]),
      a.record([step('marketing-sms', 'withdrawn')]),
      a.record([step('usage-analytics', 'granted', 'csr')]),
      b.record([step('marketing-email', 'withdrawn')]),
      a.record([step('marketing-email', 'granted')]),
    ]
    const entries: AuditEntry[] = []
    for (const r of requests) {
      const [result] = await store.append([r])
      expect(result?.behind).toBeUndefined()
      entries.push(...r.entries)
    }
    return { entries, times: entries.map((e) => e.receivedAt) }
  }

  async function allPages(store: Store, filter: Omit<AuditFilter, 'cursor'>): Promise<AuditEntry[][]> {
    const pages: AuditEntry[][] = []
    let cursor: string | null = null
    do {
      const page = await store.queryAudit(cursor === null ? filter : { ...filter, cursor })
      pages.push(page.entries)
      cursor = page.nextCursor
    } while (cursor !== null)
    return pages
  }

  describe(`Store conformance: ${name}`, () => {
    it('migrates twice without harm and answers ping', async () => {
      const store = await setup()
      const step = timeline()
      await store.migrate()
      await expect(store.ping()).resolves.toBeUndefined()
      const a = consentHistory('C-0001')
      const [r] = await store.append([a.record([step('marketing-sms', 'granted')])])
      expect(r!.seq).toBe(1)
    })

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
      const store = await setup()
      const step = timeline()
      const a = consentHistory('C-0001')
      const b = consentHistory('C-0002')
      await store.append([a.record([step('marketing-sms', 'granted')])])
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
      const store = await setup()
      const step = timeline()
      const a = consentHistory('C-0001')
      const b = consentHistory('C-0002')
      await store.append([a.record([step('marketing-sms', 'granted')])])
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
      const store = await setup()
      const step = timeline()
      const a = consentHistory('C-0001')
      await store.append([a.record([step('marketing-sms', 'granted')])])
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

    it("chains each customer's entries so that verifyChain passes and chainHead is the last entry", async () => {
      const store = await setup()
      const { entries } = await seed(store)
      expect(await store.chainHead('C-0404')).toEqual(GENESIS)
      for (const id of ['C-0001', 'C-0002']) {
        const chain = await store.auditChain(id)
        expect(chain).toEqual(entries.filter((e) => e.customerId === id))
        const verdict = verifyChain(chain)
        expect(verdict.ok).toBe(true)
        const last = chain.at(-1)!
        expect(await store.chainHead(id)).toEqual({ seq: last.seq, hash: last.hash })
        expect(verdict.ok && verdict.head).toEqual({ seq: last.seq, hash: last.hash })
      }
      // Exactly the AuditEntry fields, so the entries hash-verify wherever they travel.
      expect(Object.keys((await store.auditChain('C-0002'))[0]!).sort()).toEqual(
        Object.keys(entries[1]!).sort(),
      )
      expect((await store.auditChain('C-0001'))[0]!.evidence).toBeNull()
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
        'an audit entry was changed after it was chained',
        (good) => spoilEntries(good, (e) => ({ ...e, newState: 'withdrawn' })),
      ],
      [
        'the entries do not chain onto each other',
        (good) => spoilEntries(good, (e, i) => (i === 1 ? { ...e, prevHash: GENESIS.hash } : e)),
      ],
    ]
    it.each(badRequests)('stores nothing of a batch with one bad request: %s', async (_label, spoil) => {
      const store = await setup()
      const step = timeline()
      const a = consentHistory('C-0001')
      const b = consentHistory('C-0002')
      await store.append([a.record([step('marketing-sms', 'granted')])])
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
      expect((await store.queryAudit({ limit: 10 })).entries).toHaveLength(1)
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

    it('filters audit entries by customer, purpose, actor and time, newest first', async () => {
      const store = await setup()
      const { entries, times } = await seed(store)
      const newestFirst = [...entries].reverse()
      const cases: [Omit<AuditFilter, 'limit' | 'cursor'>, (e: AuditEntry) => boolean][] = [
        [{}, () => true],
        [{ customerId: 'C-0001' }, (e) => e.customerId === 'C-0001'],
        [{ purposeId: 'marketing-email' }, (e) => e.purposeId === 'marketing-email'],
        [{ actorId: 'csr1' }, (e) => e.actorId === 'csr1'],
        [{ customerId: 'C-0001', actorId: 'csr1' }, (e) => e.customerId === 'C-0001' && e.actorId === 'csr1'],
        [{ from: times[3]! }, (e) => e.receivedAt >= times[3]!],
        [{ to: times[3]! }, (e) => e.receivedAt < times[3]!],
        [
          { from: times[1]!, to: times[5]!, customerId: 'C-0002' },
          (e) => e.customerId === 'C-0002' && e.receivedAt >= times[1]! && e.receivedAt < times[5]!,
        ],
        [{ customerId: 'C-0404' }, () => false],
      ]
      for (const [filter, keep] of cases) {
        const expected = newestFirst.filter(keep)
        const page = await store.queryAudit({ ...filter, limit: 100 })
        expect(page.entries, JSON.stringify(filter)).toEqual(expected)
        expect(page.nextCursor).toBeNull()
      }
      expect(newestFirst.filter((e) => e.actorId === 'csr1').length).toBeGreaterThan(1)
    })

    it('pages with a cursor through every entry exactly once, newest first', async () => {
      const store = await setup()
      const step = timeline()
      const { entries } = await seed(store)
      const newestFirst = [...entries].reverse()
      for (const limit of [1, 2, 3, entries.length, entries.length + 1]) {
        const pages = await allPages(store, { limit })
        expect(pages.flat()).toEqual(newestFirst)
        expect(pages.every((p) => p.length <= limit)).toBe(true)
        expect(pages.length).toBe(Math.max(1, Math.ceil(entries.length / limit)))
      }
      const onlyA = await allPages(store, { customerId: 'C-0001', limit: 2 })
      expect(onlyA.flat()).toEqual(newestFirst.filter((e) => e.customerId === 'C-0001'))
      // Entries appended while paging do not show up in later pages or shift them.
      const first = await store.queryAudit({ limit: 2 })
      await store.append([consentHistory('C-0009').record([step('marketing-sms', 'granted')])])
      const rest = await allPages(store, { limit: 2 })
      expect(rest.flat()[0]!.customerId).toBe('C-0009')
      const second = await store.queryAudit({ limit: 100, cursor: first.nextCursor! })
      expect([...first.entries, ...second.entries]).toEqual(newestFirst)
    })

    it('rejects a cursor it did not issue', async () => {
      const store = await setup()
      await seed(store)
      await expect(store.queryAudit({ limit: 2, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(
        InvalidCursorError,
      )
    })

    it('streams every matching entry, newest first', async () => {
      const store = await setup()
      const { entries } = await seed(store)
      const all: AuditEntry[] = []
      for await (const e of store.streamAudit({})) all.push(e)
      expect(all).toEqual([...entries].reverse())
      const purpose: AuditEntry[] = []
      for await (const e of store.streamAudit({ purposeId: 'marketing-sms' })) purpose.push(e)
      expect(purpose).toEqual([...entries].reverse().filter((e) => e.purposeId === 'marketing-sms'))
      const none: AuditEntry[] = []
      for await (const e of store.streamAudit({ customerId: 'C-0404' })) none.push(e)
      expect(none).toEqual([])
    })

    it('upserts, gets and searches customers by id, name and phone', async () => {
      const store = await setup()
      const nimal = { id: 'C-0001', name: 'Nimal Perera', phone: '+94 77 123 4567' }
      const kamala = { id: 'C-0002', name: 'Kamala Silva', phone: '+94 71 765 4321' }
      const odd = { id: 'C-0100', name: '100% Fibre_Ltd', phone: '011 255 0000' }
      await store.upsertCustomer({ ...nimal, name: 'N. Perera' })
      await store.upsertCustomer(nimal)
      await store.upsertCustomer(kamala)
      await store.upsertCustomer(odd)
      expect(await store.getCustomer('C-0001')).toEqual(nimal)
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
      expect(await store.searchCustomers('perera', 10)).toEqual([nimal])
    })

    it('upserts and finds users, and knows whether demo users exist', async () => {
      const store = await setup()
      expect(await store.hasDemoUsers()).toBe(false)
      const agent = {
        username: 'csr1',
        id: 'csr1',
        role: 'csr' as const,
        name: 'Agent One',
        passwordHash: 'h1',
        demo: false,
      }
      const customer = {
        username: 'C-0001',
        id: 'C-0001',
        role: 'customer' as const,
        name: 'Nimal Perera',
        customerId: 'C-0001',
        passwordHash: 'h2',
        demo: true,
      }
      await store.upsertUser(agent)
      expect(await store.hasDemoUsers()).toBe(false)
      await store.upsertUser(customer)
      expect(await store.hasDemoUsers()).toBe(true)
      const foundAgent = await store.findUser('csr1')
      expect(foundAgent).toEqual(agent)
      expect(foundAgent && 'customerId' in foundAgent).toBe(false)
      expect(await store.findUser('C-0001')).toEqual(customer)
      expect(await store.findUser('nobody')).toBeUndefined()
      await store.upsertUser({ ...customer, demo: false, passwordHash: 'h3' })
      expect(await store.findUser('C-0001')).toEqual({ ...customer, demo: false, passwordHash: 'h3' })
      expect(await store.hasDemoUsers()).toBe(false)
    })
  })
}
