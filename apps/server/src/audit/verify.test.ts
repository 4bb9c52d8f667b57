import {
  type AuditEntry,
  acceptUpdate,
  type ChainHead,
  type ConnectionUser,
  chainAll,
  DEFAULT_CATALOG,
  type DecideInput,
  decide,
  GENESIS,
  readDecisions,
  ShadowValidator,
} from '@consent-sync/consent-core'
import Database from 'better-sqlite3'
import { describe, expect, it, onTestFinished } from 'vitest'
import * as Y from 'yjs'
import type { Store } from '../store/store'
import { sqliteStores } from '../testing/stores'
import { type VerifyProblem, verifyStore } from './verify'

/** The server's accept path for each update: acceptUpdate on the kept shadow, persist, apply, keep the head. */
function server(store: Store) {
  const rooms = new Map<string, { doc: Y.Doc; validator: ShadowValidator; head: ChainHead }>()
  let connections = 0
  let clock = Date.parse('2026-11-02T08:00:00.000Z')
  return async (customerId: string, update: Uint8Array, user: ConnectionUser) => {
    const doc = rooms.get(customerId)?.doc ?? new Y.Doc()
    const room = rooms.get(customerId) ?? { doc, validator: new ShadowValidator(doc), head: GENESIS }
    rooms.set(customerId, room)
    clock += 60_000
    const context = {
      customerId,
      user,
      receivedAt: new Date(clock).toISOString(),
      connectionId: `conn-${++connections}`,
    }
    const verdict = acceptUpdate({
      validator: room.validator,
      before: readDecisions(doc),
      head: room.head,
      update,
      context,
      catalog: DEFAULT_CATALOG,
    })
    if (!verdict.ok) throw new Error(`${verdict.reason}: ${verdict.detail}`)
    if (!verdict.changed) return
    const { receivedAt, connectionId } = context
    const meta = { receivedAt, connectionId, userId: user.id, userRole: user.role, hash: verdict.updateHash }
    await store.append([{ customerId, update, meta, entries: verdict.entries }])
    Y.applyUpdate(doc, update)
    room.head = verdict.head
  }
}

/** A client's edit: the decisions made in one transaction and the update bytes they produced. */
function edit(doc: Y.Doc, inputs: Omit<DecideInput, 'noticeVersion'>[]): Uint8Array {
  const chunks: Uint8Array[] = []
  const capture = (u: Uint8Array) => chunks.push(u)
  doc.on('update', capture)
  doc.transact(() => {
    for (const input of inputs) {
      const version = DEFAULT_CATALOG.purposes.find((p) => p.id === input.purposeId)!.version
      decide(doc, { ...input, noticeVersion: version }, DEFAULT_CATALOG)
    }
  })
  doc.off('update', capture)
  return Y.mergeUpdates(chunks)
}

const agent: ConnectionUser = { id: 'csr1', role: 'csr' }
const customerOf = (id: string): ConnectionUser => ({ id, role: 'customer', customerId: id })
const asCustomer = (id: string) => ({ actor: { id, role: 'customer' as const }, channel: 'web' as const })
const asAgent = {
  actor: { id: 'csr1', role: 'csr' as const },
  channel: 'phone' as const,
  evidence: 'call 4711',
}

async function setup() {
  const stores = await sqliteStores()
  onTestFinished(stores.cleanup)
  const store = stores.open()
  await store.migrate()
  // The file itself, as someone with access to it would alter it.
  const raw = new Database(stores.path)
  onTestFinished(() => void raw.close())
  const accept = server(store)

  // C-0001: a customer deciding, one update with two decisions, then an agent on the phone.
  {
    const id = 'C-0001'
    const customer = new Y.Doc()
    await accept(
      id,
      edit(customer, [{ purposeId: 'marketing-sms', state: 'granted', ...asCustomer(id) }]),
      customerOf(id),
    )
    await accept(
      id,
      edit(customer, [
        { purposeId: 'marketing-email', state: 'granted', ...asCustomer(id) },
        { purposeId: 'usage-analytics', state: 'granted', ...asCustomer(id) },
      ]),
      customerOf(id),
    )
    await accept(
      id,
      edit(customer, [{ purposeId: 'marketing-sms', state: 'withdrawn', ...asCustomer(id) }]),
      customerOf(id),
    )
    await accept(id, edit(customer, [{ purposeId: 'location-offers', state: 'granted', ...asAgent }]), agent)
  }
  // C-0002: an agent and the customer decide concurrently, neither seeing the other; then resolved.
  {
    const id = 'C-0002'
    const customer = new Y.Doc()
    const csr = new Y.Doc()
    const first = edit(csr, [{ purposeId: 'partner-sharing', state: 'granted', ...asAgent }])
    await accept(id, first, agent)
    Y.applyUpdate(customer, first)
    const offline = edit(customer, [{ purposeId: 'partner-sharing', state: 'withdrawn', ...asCustomer(id) }])
    const concurrent = edit(csr, [{ purposeId: 'partner-sharing', state: 'granted', ...asAgent }])
    await accept(id, offline, customerOf(id))
    await accept(id, concurrent, agent)
    Y.applyUpdate(customer, concurrent)
    await accept(
      id,
      edit(customer, [{ purposeId: 'partner-sharing', state: 'withdrawn', ...asCustomer(id) }]),
      customerOf(id),
    )
  }
  return { store, raw, accept, chain: (id: string) => store.auditChain(id) }
}

/** Rewrites a customer's entries from `fromSeq` on with freshly computed hashes, as a careful forger would. */
function forge(raw: Database.Database, customerId: string, chain: AuditEntry[], fromSeq: number) {
  const prev = chain[fromSeq - 2]
  const head = prev ? { seq: prev.seq, hash: prev.hash } : { seq: 0, hash: '0'.repeat(64) }
  const rechained = chainAll(head, chain.slice(fromSeq - 1))
  const write = raw.prepare(
    'UPDATE audit SET new_state = ?, previous_state = ?, prev_hash = ?, hash = ? WHERE customer_id = ? AND seq = ?',
  )
  for (const e of rechained) write.run(e.newState, e.previousState, e.prevHash, e.hash, customerId, e.seq)
  const last = rechained.at(-1) ?? head
  raw
    .prepare('UPDATE documents SET audit_seq = ?, audit_head = ? WHERE customer_id = ?')
    .run(last.seq, last.hash, customerId)
}

describe('verifyStore', () => {
  it('passes a store written by the pipeline, conflicts included', async () => {
    const { store, chain } = await setup()
    const c1 = await chain('C-0001')
    const c2 = await chain('C-0002')
    expect(c1).toHaveLength(5)
    expect(c2.map((e) => e.conflicted)).toEqual([false, false, true, false])
    expect(await verifyStore(store, DEFAULT_CATALOG)).toEqual({
      ok: true,
      customers: 2,
      entries: 9,
      updates: 8,
      problems: [],
    })
    const one = await verifyStore(store, DEFAULT_CATALOG, { customerId: 'C-0002' })
    expect(one).toMatchObject({ ok: true, customers: 1, entries: 4, updates: 4 })
  })

  type Seeded = Awaited<ReturnType<typeof setup>>
  const tamperings: {
    name: string
    tamper: (s: Seeded) => void | Promise<void>
    problem: Omit<VerifyProblem, 'detail'> & { detail?: unknown }
    entries?: number
  }[] = [
    {
      name: 'names the entry whose field was changed in the file',
      tamper: ({ raw }) =>
        void raw
          .prepare(
            `UPDATE audit SET new_state = CASE new_state WHEN 'granted' THEN 'withdrawn' ELSE 'granted' END
             WHERE customer_id = 'C-0002' AND seq = 2`,
          )
          .run(),
      problem: { customerId: 'C-0002', seq: 2, reason: 'hash-mismatch' },
    },
    {
      name: 'names the missing seq when the last entry was deleted',
      tamper: ({ raw }) =>
        void raw.prepare(`DELETE FROM audit WHERE customer_id = 'C-0001' AND seq = 5`).run(),
      problem: { customerId: 'C-0001', seq: 5, reason: 'chain-truncated' },
    },
    {
      name: 'names the missing entry when the last entry was deleted and the head rewritten to match',
      tamper: async ({ raw, chain }) => {
        const c1 = await chain('C-0001')
        raw.prepare(`DELETE FROM audit WHERE customer_id = 'C-0001' AND seq = 5`).run()
        forge(raw, 'C-0001', c1.slice(0, 4), 5)
      },
      problem: {
        customerId: 'C-0001',
        seq: 5,
        reason: 'entry-missing',
        detail: expect.stringContaining('update 4'),
      },
    },
    {
      name: 'names the update deleted from the middle of the log',
      tamper: ({ raw }) =>
        void raw.prepare(`DELETE FROM updates WHERE customer_id = 'C-0002' AND seq = 2`).run(),
      problem: { customerId: 'C-0002', seq: 2, reason: 'update-missing' },
    },
    {
      name: 'names the update whose bytes were changed',
      tamper: ({ raw }) => {
        const other = raw
          .prepare(`SELECT data FROM updates WHERE customer_id = 'C-0001' AND seq = 4`)
          .get() as { data: Buffer }
        raw.prepare(`UPDATE updates SET data = ? WHERE customer_id = 'C-0001' AND seq = 3`).run(other.data)
      },
      problem: { customerId: 'C-0001', seq: 3, reason: 'update-hash-mismatch' },
    },
    {
      name: 'catches by re-derivation an entry altered and re-chained with valid hashes',
      tamper: async ({ raw, chain }) => {
        const flip = (e: AuditEntry): AuditEntry => ({
          ...e,
          newState: e.newState === 'granted' ? 'withdrawn' : 'granted',
        })
        forge(
          raw,
          'C-0002',
          (await chain('C-0002')).map((e) => (e.seq === 3 ? flip(e) : e)),
          3,
        )
      },
      problem: {
        customerId: 'C-0002',
        seq: 3,
        reason: 'entry-mismatch',
        detail: expect.stringContaining('newState'),
      },
      entries: 9,
    },
  ]

  it.each(tamperings)('$name', async ({ tamper, problem, entries }) => {
    const seeded = await setup()
    await tamper(seeded)
    const report = await verifyStore(seeded.store, DEFAULT_CATALOG)
    expect(report.ok).toBe(false)
    expect(report.problems).toEqual([{ detail: expect.any(String), ...problem }])
    if (entries !== undefined) expect(report.entries).toBe(entries)
  })

  it('names a snapshot that lacks decisions of the updates it covers', async () => {
    const { store } = await setup()
    const good = new Y.Doc()
    for (const u of await store.updatesSince('C-0002', 0)) if (u.seq <= 2) Y.applyUpdate(good, u.update)
    await store.saveSnapshot('C-0002', Y.encodeStateAsUpdate(good), 2)
    expect((await verifyStore(store, DEFAULT_CATALOG)).ok).toBe(true)
    await store.saveSnapshot('C-0001', Y.encodeStateAsUpdate(new Y.Doc()), 3)
    const report = await verifyStore(store, DEFAULT_CATALOG)
    expect(report.problems).toEqual([
      { customerId: 'C-0001', seq: 3, reason: 'snapshot-incomplete', detail: expect.any(String) },
    ])
  })

  it('reports every customer with a problem, one problem each', async () => {
    const { store, raw } = await setup()
    raw.prepare(`DELETE FROM updates WHERE customer_id = 'C-0001' AND seq = 1`).run()
    raw.prepare(`UPDATE audit SET channel = 'store' WHERE customer_id = 'C-0002' AND seq IN (1, 4)`).run()
    const report = await verifyStore(store, DEFAULT_CATALOG)
    expect(report.problems.map((p) => [p.customerId, p.seq, p.reason])).toEqual([
      ['C-0001', 1, 'update-missing'],
      ['C-0002', 1, 'hash-mismatch'],
    ])
    const only = await verifyStore(store, DEFAULT_CATALOG, { customerId: 'C-0002' })
    expect(only.problems).toHaveLength(1)
    expect(only.customers).toBe(1)
  })

  it('is not misled by an update appended while it reads (a live server)', async () => {
    const { store, accept } = await setup()
    let appended = false
    const live: Store = {
      ...store,
      auditChain: async (id) => {
        const chain = await store.auditChain(id)
        if (!appended) {
          appended = true
          const device = new Y.Doc()
          const update = edit(device, [{ purposeId: 'marketing-push', state: 'granted', ...asCustomer(id) }])
          await accept(id, update, customerOf(id))
        }
        return chain
      },
    }
    const report = await verifyStore(live, DEFAULT_CATALOG)
    expect(appended).toBe(true)
    expect(report).toMatchObject({ ok: true, entries: 10, updates: 9, problems: [] })
  })
})
