/**
 * A document's life on the server (DESIGN.md §6): its log folded into snapshots, unloaded when
 * idle and loaded again, and connections closed with 1012 when the server shuts down.
 */
import { DEFAULT_CATALOG, readDecisions, verifyChain } from '@consent-sync/consent-core'
import { CloseCode } from '@consent-sync/protocol'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { verifyStore } from '../audit/verify'
import { createSqliteStore } from '../store/sqlite'
import type { Store } from '../store/store'
import { sendDoc } from '../testing/clients'
import { decideAs } from '../testing/decisions'
import { afterTest, rawFor, stockFor, tempDir } from '../testing/per-test'
import { CSR_1, CSR_2, CUSTOMER_1, startTestServer, type TestServer, type TestUser } from '../testing/server'
import { until } from '../testing/until'

async function setup(env: Record<string, string> = {}, wrapStore?: (store: Store) => Store) {
  const dir = await tempDir('consent-sync-lifecycle-')
  const servers: TestServer[] = []
  /** A server on the same directory (the same SQLite file) each time. */
  const start = async () => {
    const server = await startTestServer({ dir, env, ...(wrapStore ? { wrapStore } : {}) })
    servers.push(server)
    let closed = false
    afterTest(() => (closed ? undefined : server.cleanup()))
    return {
      ...server,
      async close() {
        closed = true
        await server.cleanup()
      },
    }
  }
  const client = (server: TestServer, user: TestUser, customerId = 'C-0001') =>
    stockFor(server, user, customerId)
  return { dir, start, client }
}

const grant = (doc: Y.Doc, user: TestUser, purposeId: string) => decideAs(doc, user, purposeId)

const ids = (doc: Y.Doc) => readDecisions(doc).map((d) => d.id)
const purposes = DEFAULT_CATALOG.purposes.map((p) => p.id)

describe('document lifecycle', () => {
  it('SNAPSHOT_EVERY=3: folds the log into a snapshot, keeps the raw updates, and a restart loses nothing', async () => {
    const s = await setup({ SNAPSHOT_EVERY: '3' })
    const server = await s.start()
    const store = server.ctx.store
    const agent = s.client(server, CSR_1)
    await agent.synced()
    const made: string[] = []
    for (let i = 0; i < 7; i++) {
      const d = grant(agent.doc, CSR_1, purposes[i % purposes.length] ?? 'marketing-sms')
      made.push(d.id)
      // One update each, in order: wait for its audit entry before the next.
      await until(
        async () => (await store.auditChain('C-0001')).length === i + 1,
        5000,
        `decision ${i} stored`,
      )
    }
    const stored = await until(
      async () => {
        const doc = await store.loadDocument('C-0001')
        return doc.snapshotSeq === 6 ? doc : null
      },
      5000,
      'snapshot up to seq 6',
    )
    expect(stored.tail.map((u) => u.seq)).toEqual([7])
    expect(stored.snapshot).not.toBeNull()
    // The snapshot alone holds the first six decisions; the raw updates stay for re-derivation.
    const fromSnapshot = new Y.Doc()
    Y.applyUpdate(fromSnapshot, stored.snapshot ?? new Uint8Array())
    expect(ids(fromSnapshot)).toEqual(made.slice(0, 6))
    expect((await store.updatesSince('C-0001', 0)).map((u) => u.seq)).toEqual([1, 2, 3, 4, 5, 6, 7])

    agent.destroy()
    await server.close()
    const again = await s.start()
    const fresh = s.client(again, CSR_2)
    await fresh.synced()
    expect(ids(fresh.doc)).toEqual(made)
    const report = await verifyStore(again.ctx.store, DEFAULT_CATALOG)
    expect(report).toMatchObject({ ok: true, customers: 1, entries: 7, updates: 7, problems: [] })
  })

  it('IDLE_UNLOAD_MS=50: unloads a document once nobody has it open, and loads it again whole', async () => {
    const s = await setup({ IDLE_UNLOAD_MS: '50' })
    const server = await s.start()
    const rooms = server.ctx.rooms
    const customer = s.client(server, CUSTOMER_1)
    const agent = s.client(server, CSR_1)
    await customer.synced()
    await agent.synced()
    const first = grant(customer.doc, CUSTOMER_1, 'marketing-sms')
    await until(() => ids(agent.doc).includes(first.id), 5000, 'agent sees the grant')
    expect(rooms.loadedCount()).toBe(1)

    // Not while someone still has it open: the agent stays for ten unload periods, untouched.
    customer.destroy()
    await until(() => rooms.connectionCount() === 1, 5000, 'customer gone')
    const leftAt = Date.now()
    await until(() => Date.now() - leftAt > 500, 5000, 'ten unload periods passed')
    expect(rooms.loadedCount()).toBe(1)
    expect(agent.closes).toEqual([])

    agent.destroy()
    await until(() => rooms.loadedCount() === 0, 5000, 'document unloaded')
    expect(rooms.connectionCount()).toBe(0)

    const back = s.client(server, CSR_2)
    await back.synced()
    expect(ids(back.doc)).toEqual([first.id])
    expect(rooms.loadedCount()).toBe(1)
    // Writing after the reload continues the same audit chain.
    const second = grant(back.doc, CSR_2, 'marketing-email')
    await until(
      async () => (await server.ctx.store.auditChain('C-0001')).length === 2,
      5000,
      'second decision stored',
    )
    const chain = await server.ctx.store.auditChain('C-0001')
    expect(chain.map((e) => e.decisionId)).toEqual([first.id, second.id])
    expect(verifyChain(chain).ok).toBe(true)
  })

  it('app.close() closes connected clients with 1012, after finishing the update in flight', async () => {
    let release = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let appending = 0
    // Holds the commit, so that the update is still in flight when the server is asked to close.
    const wrapStore = (store: Store): Store => ({
      ...store,
      append: async (requests) => {
        appending++
        await gate
        return store.append(requests)
      },
    })
    const s = await setup({}, wrapStore)
    const server = await s.start()
    const stock = s.client(server, CSR_1)
    await stock.synced()
    const raw = await rawFor(server, CUSTOMER_1)
    const doc = new Y.Doc()
    const d = grant(doc, CUSTOMER_1, 'usage-analytics')
    sendDoc(raw, doc)
    await until(() => appending === 1, 5000, 'the update reached the store')

    const closing = server.close()
    release()
    await closing

    const closed = await raw.waitClosed()
    expect(closed).toEqual({ code: CloseCode.Restarting, reason: 'server restarting' })
    await until(() => stock.closes.length > 0, 5000, 'stock client closed')
    expect(stock.closes[0]).toEqual({ code: CloseCode.Restarting, reason: 'server restarting' })
    expect(stock.provider.shouldConnect).toBe(true) // 1012 is transient
    // The update in flight was stored and acknowledged before the close.
    const clock = Y.getState(doc.store, doc.clientID)
    expect(raw.durable().some((sv) => (sv.get(doc.clientID) ?? 0) >= clock)).toBe(true)
    const store = createSqliteStore({ path: server.config.databasePath })
    try {
      expect((await store.auditChain('C-0001')).map((e) => e.decisionId)).toEqual([d.id])
    } finally {
      await store.close()
    }
  })
})
