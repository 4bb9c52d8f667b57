/**
 * The outbox and the current-state table through SIGKILL (DESIGN.md §12 "Downstream"): a real
 * `consent-sync serve` child under load from stock y-websocket clients, killed mid-load. Every
 * decision a client was told is durable has its `decision.accepted` event and its current-state
 * row; no event names a decision the store does not hold.
 */
import path from 'node:path'
import { DEFAULT_CATALOG, decide } from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createSqliteStore } from '../store/sqlite'
import { type ChildServer, startChildServer } from '../testing/child-server'
import { stockClient, trackDurable } from '../testing/clients'
import { afterTest, tempDir } from '../testing/per-test'
import { until } from '../testing/until'

const CUSTOMERS = ['C-0001', 'C-0002', 'C-0003', 'C-0004', 'C-0005']

describe('downstream writes through SIGKILL', () => {
  it('has the event and the row of every acknowledged decision, and no event of one not stored', async () => {
    const dir = await tempDir('consent-sync-downstream-crash-')
    const databasePath = path.join(dir, 'db.sqlite')
    const children: ChildServer[] = []
    afterTest(async () => {
      for (const c of children) await c.stop('SIGKILL')
    })
    const first = await startChildServer(databasePath)
    children.push(first)
    const clients = await Promise.all(
      CUSTOMERS.map(async (id) => {
        const c = stockClient(first.syncUrl, id, await first.login(id), new Y.Doc(), { acks: true })
        afterTest(() => c.destroy())
        await c.synced()
        return {
          id,
          ...c,
          durable: trackDurable(c.provider),
          made: [] as { decisionId: string; purposeId: string; clock: number }[],
        }
      }),
    )
    const purposes = DEFAULT_CATALOG.purposes
    let n = 0
    // Load until killed: each tick every customer decides once.
    const load = setInterval(() => {
      for (const c of clients) {
        const purpose = purposes[n % purposes.length]!
        const d = decide(c.doc, {
          purposeId: purpose.id,
          state: n % 3 === 0 ? 'withdrawn' : 'granted',
          actor: { id: c.id, role: 'customer' },
          channel: 'app',
          noticeVersion: purpose.version,
        })
        c.made.push({
          decisionId: d.id,
          purposeId: purpose.id,
          clock: Y.getState(c.doc.store, c.doc.clientID),
        })
      }
      n++
    }, 3)
    const acked = () =>
      clients.flatMap((c) => {
        const high = Math.max(0, ...c.durable.acks.map((sv) => sv.get(c.doc.clientID) ?? 0))
        return c.made.filter((m) => m.clock <= high).map((m) => ({ customerId: c.id, ...m }))
      })
    await until(() => acked().length >= 100, 20_000, '100 decisions acknowledged')
    expect(await first.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' })
    clearInterval(load)
    const durable = acked()
    const made = clients.reduce((sum, c) => sum + c.made.length, 0)
    expect(made).toBeGreaterThan(durable.length)

    // Restart: the server opens the file the kill left, and serves the check from it.
    const second = await startChildServer(databasePath)
    children.push(second)
    const admin = await second.login('admin1')
    const check = await fetch(`${second.httpUrl}/api/consents/check`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ purposeId: purposes[0]!.id, customerIds: CUSTOMERS }),
    })
    expect(check.status).toBe(200)
    expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null })

    const store = createSqliteStore({ path: databasePath })
    afterTest(() => store.close())
    const events = await store.readOutbox(0, 1_000_000)
    const accepted = events.filter((e) => e.type === 'decision.accepted')
    const eventOf = new Map(accepted.map((e) => [e.data.decisionId as string, e]))
    for (const d of durable) {
      expect(eventOf.get(d.decisionId), `decision.accepted of ${d.decisionId}`).toMatchObject({
        customerId: d.customerId,
        purposeId: d.purposeId,
      })
      expect(await store.consentStates(d.purposeId, [d.customerId])).toHaveLength(1)
    }
    // Exactly the stored decisions have events, and each row is its purpose's last stored entry.
    const entries = (await Promise.all(CUSTOMERS.map((id) => store.auditChain(id)))).flat()
    expect(entries.length).toBeGreaterThanOrEqual(durable.length)
    expect([...eventOf.keys()].sort()).toEqual(entries.map((e) => e.decisionId).sort())
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length)
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1))
    for (const id of CUSTOMERS) {
      const chain = entries.filter((e) => e.customerId === id)
      for (const p of purposes) {
        const last = chain.filter((e) => e.purposeId === p.id).at(-1)
        const rows = await store.consentStates(p.id, [id])
        if (!last) expect(rows).toEqual([])
        else expect(rows[0]).toMatchObject({ state: last.newState, decidedAt: last.receivedAt })
      }
    }
  })
})
