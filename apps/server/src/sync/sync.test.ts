import { DEFAULT_CATALOG, decide, foldAll, readDecisions, verifyChain } from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { sendDoc } from '../testing/clients'
import { decideAs } from '../testing/decisions'
import { rawFor, stockFor, testServer } from '../testing/per-test'
import { CSR_1, CUSTOMER_1 } from '../testing/server'
import { until } from '../testing/until'

async function setup(env: Record<string, string> = {}) {
  const server = await testServer({ env })
  const client = (user = CUSTOMER_1, customerId = 'C-0001') => stockFor(server, user, customerId)
  return { server, client }
}

const fold = (doc: Y.Doc) => JSON.stringify(foldAll(readDecisions(doc), DEFAULT_CATALOG))

describe('sync endpoint with the stock y-websocket client', () => {
  it('replicates a customer decision to an agent and an agent decision back, with audit from the token', async () => {
    const { server, client } = await setup()
    const customer = client(CUSTOMER_1)
    const agent = client(CSR_1)
    await customer.synced()
    await agent.synced()

    decideAs(customer.doc, CUSTOMER_1, 'marketing-sms', 'granted')
    await until(() => readDecisions(agent.doc).length === 1, 5000, 'agent sees the grant')

    decideAs(agent.doc, CSR_1, 'marketing-sms', 'withdrawn', {
      evidence: 'call 2026-11-26 10:02, customer asked to stop SMS',
    })
    await until(() => readDecisions(customer.doc).length === 2, 5000, 'customer sees the withdrawal')
    expect(fold(customer.doc)).toBe(fold(agent.doc))
    const sms = foldAll(readDecisions(customer.doc), DEFAULT_CATALOG).find(
      (p) => p.purposeId === 'marketing-sms',
    )
    expect(sms).toMatchObject({
      state: 'withdrawn',
      conflicted: false,
      decision: { actor: { id: 'csr1' }, channel: 'phone' },
    })

    const chain = await server.ctx.store.auditChain('C-0001')
    expect(chain.map((e) => [e.actorId, e.actorRole, e.previousState, e.newState])).toEqual([
      ['C-0001', 'customer', 'withdrawn', 'granted'],
      ['csr1', 'csr', 'granted', 'withdrawn'],
    ])
    expect(chain[1]?.evidence).toContain('stop SMS')
    expect(verifyChain(chain).ok).toBe(true)
  })

  it('shows who has the record open, with the identity from the token rather than the client', async () => {
    const { client } = await setup()
    const customer = client(CUSTOMER_1)
    const agent = client(CSR_1)
    await customer.synced()
    await agent.synced()
    customer.provider.awareness.setLocalState({
      user: { id: 'csr2', name: 'Not really an agent' },
      editing: false,
    })
    agent.provider.awareness.setLocalState({ editing: true })

    const seenByAgent = await until(
      () => [...agent.provider.awareness.getStates().values()].find((s) => s.user?.role === 'customer'),
      5000,
      'agent sees the customer',
    )
    expect(seenByAgent.user).toEqual({ id: 'C-0001', role: 'customer', name: 'Customer One' })
    const seenByCustomer = await until(
      () => [...customer.provider.awareness.getStates().values()].find((s) => s.user?.role === 'csr'),
      5000,
      'customer sees the agent',
    )
    expect(seenByCustomer).toMatchObject({ user: { id: 'csr1', name: 'Agent One' }, editing: true })

    agent.destroy()
    await until(
      () => ![...customer.provider.awareness.getStates().values()].some((s) => s.user?.role === 'csr'),
      5000,
      'agent presence removed when its connection closes',
    )
  })

  it('acknowledges with the durable state vector only after the update is stored', async () => {
    const { server } = await setup()
    const raw = await rawFor(server, CUSTOMER_1)
    const doc = new Y.Doc()
    decide(doc, {
      purposeId: 'usage-analytics',
      state: 'granted',
      actor: { id: 'C-0001', role: 'customer' },
      channel: 'app',
      noticeVersion: '2.0',
    })
    sendDoc(raw, doc)
    const clock = Y.getState(doc.store, doc.clientID)
    const ack = await until(
      () => raw.durable().find((sv) => (sv.get(doc.clientID) ?? 0) >= clock),
      5000,
      'ack',
    )
    expect(ack.get(doc.clientID)).toBe(clock)
    // The ack came after the commit: the update is in the store's log already.
    const stored = await server.ctx.store.updatesSince('C-0001', 0)
    expect(stored).toHaveLength(1)
    expect(stored[0]?.userId).toBe('C-0001')
  })

  it('lets a stock client without a token or with a forged update go, keeping the document unharmed', async () => {
    const { server, client } = await setup()
    const agent = client(CSR_1)
    await agent.synced()
    const forged = new Y.Doc()
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(agent.doc))
    const customer = stockFor(server, CUSTOMER_1, 'C-0001', { doc: forged })
    await customer.synced()
    decide(forged, {
      purposeId: 'partner-sharing',
      state: 'granted',
      actor: { id: 'C-0002', role: 'customer' },
      channel: 'web',
      noticeVersion: '1.1',
    })
    await until(() => customer.closes.length > 0, 5000, 'forged update rejected')
    expect(customer.closes[0]).toMatchObject({ code: 4422 })
    expect(customer.closes[0]?.reason).toMatch(/^actor-mismatch/)
    // 4422 is permanent: the stock client does not resend the bad update forever.
    expect(customer.provider.shouldConnect).toBe(false)
    expect(readDecisions(agent.doc)).toHaveLength(0)
    expect(await server.ctx.store.auditChain('C-0001')).toHaveLength(0)
  })

  it('converges an agent and a customer who decided concurrently while one was offline', async () => {
    const { client } = await setup()
    const customer = client(CUSTOMER_1)
    const agent = client(CSR_1)
    await customer.synced()
    await agent.synced()
    customer.provider.disconnect()
    decide(customer.doc, {
      purposeId: 'location-offers',
      state: 'granted',
      actor: { id: 'C-0001', role: 'customer' },
      channel: 'app',
      noticeVersion: '1.0',
      at: '2026-11-27T09:00:00Z', // a clock a day ahead does not win
    })
    decide(agent.doc, {
      purposeId: 'location-offers',
      state: 'withdrawn',
      actor: { id: 'csr1', role: 'csr' },
      channel: 'store',
      noticeVersion: '1.0',
      evidence: 'signed form in the Kandy shop',
    })
    await until(() => readDecisions(agent.doc).length === 1)
    customer.provider.connect()
    await until(
      () => readDecisions(customer.doc).length === 2 && readDecisions(agent.doc).length === 2,
      5000,
      'both sides converged',
    )
    expect(fold(customer.doc)).toBe(fold(agent.doc))
    const state = foldAll(readDecisions(agent.doc), DEFAULT_CATALOG).find(
      (p) => p.purposeId === 'location-offers',
    )
    expect(state).toMatchObject({ state: 'withdrawn', conflicted: true })
  })
})

describe('presence across reconnects', () => {
  it('shows an agent again right after their connection drops and comes back', async () => {
    const { client } = await setup()
    const customer = client(CUSTOMER_1)
    const agent = client(CSR_1)
    await customer.synced()
    await agent.synced()
    agent.provider.awareness.setLocalState({ editing: false })
    const agentSeen = () =>
      [...customer.provider.awareness.getStates().values()].some((s) => s.user?.id === 'csr1')
    await until(agentSeen, 5000, 'agent present')

    agent.provider.disconnect()
    await until(() => !agentSeen(), 5000, 'agent gone')
    agent.provider.connect()
    // Without raised clocks the customer ignores the re-announced state until it is renewed twice (~30 s).
    await until(agentSeen, 3000, 'agent present again')
  })
})
