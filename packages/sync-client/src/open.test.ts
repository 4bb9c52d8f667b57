import 'fake-indexeddb/auto'
import { DEFAULT_CATALOG, decisionsOf, readDecisions } from '@consent-sync/consent-core'
import {
  CSR_1,
  CUSTOMER_1,
  startTestServer,
  type TestServer,
  type TestUser,
  until,
} from '@consent-sync/server/testing'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { OpenOptions } from './handle'
import { openConsentDoc } from './open'
import { webSocketTransport } from './transport'

const cleanups: (() => Promise<unknown> | unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

let dbCounter = 0

async function setup(env: Record<string, string> = {}) {
  const server = await startTestServer({ env })
  cleanups.push(() => server.cleanup())
  // Each test gets its own IndexedDB names: the actor id is part of the database name.
  const suffix = `-${++dbCounter}-${Date.now()}`
  const open = (user: TestUser, extra: Partial<OpenOptions> = {}) => {
    const handle = openConsentDoc('C-0001', {
      url: server.syncUrl,
      token: server.token(user),
      actor: { id: user.id, role: user.role === 'customer' ? 'customer' : 'csr' },
      name: user.name,
      catalog: DEFAULT_CATALOG,
      transport: webSocketTransport(WebSocket),
      dbName: `consent-sync-test/${user.id}${suffix}`,
      ...extra,
    })
    cleanups.push(() => handle.destroy())
    return handle
  }
  return { server, open }
}

const purpose = (h: ReturnType<typeof openConsentDoc>, id: string) =>
  h.store.getState().purposes.find((p) => p.purposeId === id)

describe('openConsentDoc against a real server', () => {
  it('syncs decisions both ways and reports saved once the server acknowledged them', async () => {
    const { open } = await setup()
    const customer = open(CUSTOMER_1)
    const agent = open(CSR_1)
    await until(() => customer.store.getState().status === 'saved', 5000, 'customer saved')
    await until(() => agent.store.getState().status === 'saved', 5000, 'agent saved')

    customer.decide({ purposeId: 'marketing-email', state: 'granted', channel: 'web' })
    expect(customer.store.getState().pending).toBe(1)
    await until(() => customer.store.getState().pending === 0 && customer.store.getState().status === 'saved')
    await until(() => purpose(agent, 'marketing-email')?.state === 'granted', 5000, 'agent sees the grant')

    agent.decide({
      purposeId: 'marketing-email',
      state: 'withdrawn',
      channel: 'phone',
      evidence: 'call ref 7781',
    })
    await until(() => purpose(customer, 'marketing-email')?.state === 'withdrawn', 5000, 'customer sees it')
    // What arrives from the server is durable: another person's change never shows as waiting here.
    await until(() => customer.store.getState().status === 'saved', 5000, 'customer saved after receiving')
    expect(customer.store.getState().pending).toBe(0)
    await until(() => agent.store.getState().status === 'saved', 5000, 'agent saved')
    expect(purpose(customer, 'marketing-email')?.decision?.actor).toEqual({ id: 'csr1', role: 'csr' })
    expect(
      customer.store
        .getState()
        .history.map((d) => d.actor.id)
        .sort(),
    ).toEqual(['C-0001', 'csr1'])
  })

  it('keeps offline decisions across a reload and saves them when back online', async () => {
    const { open } = await setup()
    const first = open(CUSTOMER_1)
    await until(() => first.store.getState().status === 'saved')
    first.goOffline()
    expect(first.store.getState().status).toBe('offline')
    first.decide({ purposeId: 'usage-analytics', state: 'granted', channel: 'app' })
    first.decide({ purposeId: 'location-offers', state: 'granted', channel: 'app' })
    expect(first.store.getState().pending).toBe(2)
    await first.destroy()

    // The "reload": a new handle on the same IndexedDB, still offline.
    const second = open(CUSTOMER_1, { connect: false })
    await second.whenLoaded
    expect(readDecisions(second.doc)).toHaveLength(2)
    expect(second.store.getState().pending).toBe(2)
    expect(second.store.getState().status).toBe('offline')
    second.goOnline()
    await until(
      () => second.store.getState().status === 'saved' && second.store.getState().pending === 0,
      5000,
      'saved',
    )
    const agent = open(CSR_1)
    await until(() => purpose(agent, 'location-offers')?.state === 'granted', 5000, 'agent sees offline work')
  })

  it('stops on a rejected update, says which rule, and recovers by discarding local changes', async () => {
    const { server, open } = await setup()
    const customer = open(CUSTOMER_1)
    await until(() => customer.store.getState().status === 'saved')
    customer.decide({ purposeId: 'marketing-sms', state: 'granted', channel: 'web' })
    await until(() => customer.store.getState().pending === 0)
    // A decision forged in another person's name, as a tampered client would write it.
    const forgedId = crypto.randomUUID()
    decisionsOf(customer.doc).push([
      {
        id: forgedId,
        purposeId: 'marketing-sms',
        state: 'withdrawn',
        supersedes: [],
        at: new Date().toISOString(),
        actor: { id: 'csr2', role: 'csr' },
        channel: 'phone',
        noticeVersion: '1.0',
      },
    ])
    const problem = await until(() => customer.store.getState().problem, 5000, 'rejection')
    expect(problem).toMatchObject({ code: 4422, reason: 'actor-mismatch' })
    expect(customer.store.getState().pending).toBe(1)
    expect(server.ctx.rooms.connectionCount()).toBe(0)

    await customer.discardLocalChanges()
    await until(() => customer.store.getState().status === 'saved', 5000, 'resynced')
    expect(customer.store.getState().problem).toBeNull()
    expect(readDecisions(customer.doc).map((d) => d.id)).not.toContain(forgedId)
    expect(purpose(customer, 'marketing-sms')?.state).toBe('granted')
  })

  it('refreshes its token before expiry without dropping the connection', async () => {
    const { server, open } = await setup()
    let issued = 0
    const customer = open(CUSTOMER_1, {
      token: server.token(CUSTOMER_1, 2),
      getToken: async () => {
        issued++
        return server.token(CUSTOMER_1, 3600)
      },
    })
    await until(() => customer.store.getState().status === 'saved')
    await until(() => issued > 0, 5000, 'token refreshed')
    // Past the first token's expiry (2 s), the same connection is still open and working.
    const firstExpiry = Date.now() + 2500
    await until(() => Date.now() > firstExpiry, 5000, 'first token expired')
    expect(server.ctx.rooms.connectionCount()).toBe(1)
    customer.decide({ purposeId: 'marketing-push', state: 'granted', channel: 'app' })
    await until(() => customer.store.getState().pending === 0, 5000, 'saved after the old expiry')
    expect(customer.store.getState().problem).toBeNull()
  })

  it('asks the person to sign in again when the token is refused and none can be fetched', async () => {
    const { server, open } = await setup()
    const customer = open(CUSTOMER_1, { token: server.token(CUSTOMER_1, -10) })
    const problem = await until(() => customer.store.getState().problem, 5000, 'auth problem')
    expect(problem.code).toBe(4401)
    expect(problem.message).toMatch(/Sign in again/)
  })

  it('reconnects by itself after the server restarts, and nothing made meanwhile is lost', async () => {
    const first = await startTestServer()
    const { dir, port } = first
    const handle = openConsentDoc('C-0001', {
      url: first.syncUrl,
      token: first.token(CUSTOMER_1),
      actor: { id: 'C-0001', role: 'customer' },
      name: 'Customer One',
      catalog: DEFAULT_CATALOG,
      transport: webSocketTransport(WebSocket),
      persist: false,
    })
    cleanups.push(() => handle.destroy())
    await until(() => handle.store.getState().status === 'saved')
    await first.cleanup(true)
    await until(() => handle.store.getState().status !== 'saved', 5000, 'noticed the restart')
    handle.decide({ purposeId: 'partner-sharing', state: 'granted', channel: 'web' })
    const second: TestServer = await startTestServer({ dir, port })
    cleanups.push(() => second.cleanup())
    await until(() => handle.store.getState().status === 'saved', 15000, 'reconnected and saved')
    expect((await second.ctx.store.auditChain('C-0001')).map((e) => e.purposeId)).toEqual(['partner-sharing'])
  })
})

describe('presence', () => {
  it('shows the other person again soon after the server restarts', async () => {
    const first = await startTestServer()
    const { dir, port } = first
    const open = (user: TestUser) => {
      const h = openConsentDoc('C-0001', {
        url: first.syncUrl,
        token: first.token(user),
        actor: { id: user.id, role: user.role === 'customer' ? 'customer' : 'csr' },
        name: user.name,
        catalog: DEFAULT_CATALOG,
        transport: webSocketTransport(WebSocket),
        persist: false,
      })
      cleanups.push(() => h.destroy())
      return h
    }
    const customer = open(CUSTOMER_1)
    const agent = open(CSR_1)
    const agentSeen = () => customer.store.getState().presence.some((p) => p.user.id === 'csr1')
    await until(agentSeen, 5000, 'agent present')
    await first.cleanup(true)
    await until(() => !agentSeen(), 5000, 'presence cleared while disconnected')
    const second = await startTestServer({ dir, port })
    cleanups.push(() => second.cleanup())
    await until(
      () => customer.store.getState().status === 'saved' && agent.store.getState().status === 'saved',
      15000,
    )
    // Without forgetting the clocks recorded at disconnect, the agent would reappear only after ~30 s.
    await until(agentSeen, 3000, 'agent present again')
  })
})
