/**
 * Crash safety with a real child process (DESIGN.md §5, §6.3): what the server acknowledged as
 * durable survives SIGKILL; SIGTERM closes clients with 1012 and exits 0.
 */
import path from 'node:path'
import { DEFAULT_CATALOG, decide, foldAll, readDecisions, verifyChain } from '@consent-sync/consent-core'
import { CloseCode } from '@consent-sync/protocol'
import { describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import { createSqliteStore } from '../store/sqlite'
import { type ChildServer, runCli, startChildServer } from '../testing/child-server'
import { stockClient, trackDurable } from '../testing/clients'
import { afterTest, tempDir } from '../testing/per-test'
import { until } from '../testing/until'

async function setup() {
  const dir = await tempDir('consent-sync-restart-')
  const databasePath = path.join(dir, 'db.sqlite')
  const children: ChildServer[] = []
  afterTest(async () => {
    // No stray processes, whatever the test did.
    for (const c of children) await c.stop('SIGKILL')
  })
  const start = async () => {
    const child = await startChildServer(databasePath)
    children.push(child)
    return child
  }
  const client = async (server: ChildServer, username: string, customerId = 'C-0001') => {
    const c = stockClient(server.syncUrl, customerId, await server.login(username), undefined, { acks: true })
    const durable = trackDurable(c.provider)
    afterTest(() => c.destroy())
    return { ...c, durable }
  }
  return { databasePath, start, client }
}

const fold = (doc: Y.Doc) => JSON.stringify(foldAll(readDecisions(doc), DEFAULT_CATALOG))
const ids = (doc: Y.Doc) => readDecisions(doc).map((d) => d.id)

describe('restart: a real `consent-sync serve` child process', () => {
  it('keeps every acknowledged decision through SIGKILL, and the audit log still verifies', async () => {
    const N = 30
    const s = await setup()
    const first = await s.start()
    const customer = await s.client(first, 'C-0001')
    const agent = await s.client(first, 'csr1')
    await customer.synced()
    await agent.synced()

    const purposes = DEFAULT_CATALOG.purposes
    const made: string[] = []
    for (let i = 0; i < N; i++) {
      const byCustomer = i % 2 === 0
      const purpose = purposes[Math.floor(i / 2) % purposes.length]!
      const d = decide(byCustomer ? customer.doc : agent.doc, {
        purposeId: purpose.id,
        state: i % 3 === 0 ? 'withdrawn' : 'granted',
        actor: byCustomer ? { id: 'C-0001', role: 'customer' } : { id: 'csr1', role: 'csr' },
        channel: byCustomer ? 'app' : 'phone',
        noticeVersion: purpose.version,
        ...(byCustomer ? {} : { evidence: `call ${i}` }),
      })
      made.push(d.id)
    }
    // "Saved" as a client sees it: a durable ack covering its own clientID's clock.
    await until(() => customer.durable.saved() && agent.durable.saved(), 10_000, 'both clients saved')
    await until(
      () => ids(customer.doc).length === N && ids(agent.doc).length === N,
      10_000,
      'both hold all decisions',
    )
    const before = fold(customer.doc)
    expect(fold(agent.doc)).toBe(before)

    expect(await first.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' })

    const second = await s.start()
    const fresh = await s.client(second, 'csr2')
    await fresh.synced()
    expect([...ids(fresh.doc)].sort()).toEqual([...made].sort())
    expect(fold(fresh.doc)).toBe(before)
    expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null })

    const verify = await runCli(['verify'], s.databasePath)
    expect(verify, verify.stderr).toMatchObject({ code: 0 })
    expect(verify.stdout).toContain(`OK: 1 customers, ${N} audit entries, ${N} updates checked`)
    const store = createSqliteStore({ path: s.databasePath })
    try {
      const chain = await store.auditChain('C-0001')
      expect(chain).toHaveLength(N)
      expect(chain.map((e) => e.decisionId).sort()).toEqual([...made].sort())
      expect(verifyChain(chain).ok).toBe(true)
    } finally {
      await store.close()
    }
  })

  it('closes open connections with 1012 on SIGTERM and exits 0', async () => {
    const s = await setup()
    const server = await s.start()
    const customer = await s.client(server, 'C-0001')
    const agent = await s.client(server, 'csr1')
    await customer.synced()
    await agent.synced()
    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null })
    await until(() => customer.closes.length > 0 && agent.closes.length > 0, 5000, 'both closed')
    expect(customer.closes[0]).toEqual({ code: CloseCode.Restarting, reason: 'server restarting' })
    expect(agent.closes[0]).toEqual({ code: CloseCode.Restarting, reason: 'server restarting' })
    // 1012 is transient: the stock client means to come back.
    expect(customer.provider.shouldConnect).toBe(true)
  })
})
