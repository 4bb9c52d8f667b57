import { decide, foldAll, readDecisions, verifyChain } from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import { CATALOG, PEOPLE } from './people'
import type { Replica } from './replica'
import { memoryStore } from './storage'
import { clearDemo, openDemo } from './world'

const SMS = 'marketing-sms'
const EMAIL = 'marketing-email'

async function until(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** Everything this side made is durable at the hub. */
const saved = (r: Replica) =>
  until(() => r.store.getState().status === 'saved' && r.store.getState().pending === 0, `${r.side} saved`)

/** The hub and both replicas (the real sync client over the in-page transport), in memory. */
async function setup() {
  const options = { storage: memoryStore(), persist: false }
  const demo = openDemo(options)
  await demo.ready
  const { customer, agent } = demo.replicas
  await saved(customer)
  await saved(agent)
  const stateOf = (side: 'customer' | 'agent', purposeId: string) =>
    demo.replicas[side].store.getState().purposes.find((p) => p.purposeId === purposeId)
  const folded = (doc: typeof demo.hub.doc) => JSON.stringify(foldAll(readDecisions(doc), CATALOG))
  return { demo, customer, agent, stateOf, folded, cleanup: () => clearDemo(demo, options) }
}

describe('the in-page hub', () => {
  it('relays a live decision to the other replica, reports it durable, and shows who is there', async () => {
    const { customer, agent, stateOf, cleanup } = await setup()
    customer.decide({ purposeId: SMS, state: 'granted', channel: 'web' })
    expect(customer.store.getState().pendingPurposes).toEqual([SMS])
    await until(() => stateOf('agent', SMS)?.state === 'granted', 'agent sees the grant')
    await saved(customer)
    await until(() => agent.store.getState().presence.length === 2, 'agent sees the customer')
    expect(
      agent.store
        .getState()
        .presence.map((p) => p.user.id)
        .sort(),
    ).toEqual(['C-0001', 'csr1'])
    expect(agent.store.getState().presence.find((p) => !p.self)?.user.name).toBe(PEOPLE.customer.name)
    await cleanup()
  })

  it('keeps offline edits pending, then converges on reconnect with the privacy-safe conflict rule', async () => {
    const { demo, customer, agent, stateOf, folded, cleanup } = await setup()
    customer.decide({ purposeId: SMS, state: 'granted', channel: 'web' })
    await saved(customer)
    customer.setOnline(false)
    customer.decide({ purposeId: SMS, state: 'withdrawn', channel: 'web' })
    customer.decide({ purposeId: SMS, state: 'granted', channel: 'web' })
    customer.decide({ purposeId: EMAIL, state: 'granted', channel: 'web' })
    agent.decide({ purposeId: SMS, state: 'withdrawn', channel: 'phone', evidence: 'call 1' })
    await saved(agent)
    expect(customer.store.getState()).toMatchObject({ status: 'offline', pending: 3 })
    expect(customer.link.getState().waiting).toEqual([EMAIL, SMS])
    await until(() => agent.store.getState().presence.every((p) => p.self), 'the customer gone for the agent')
    expect(stateOf('agent', EMAIL)?.state).toBe('withdrawn')

    customer.setOnline(true)
    await saved(customer)
    await until(() => folded(agent.doc) === folded(demo.hub.doc), 'agent converged')
    expect(folded(customer.doc)).toBe(folded(demo.hub.doc))
    for (const side of ['customer', 'agent'] as const) {
      expect(stateOf(side, SMS)).toMatchObject({ state: 'withdrawn', conflicted: true })
      expect(stateOf(side, SMS)?.heads).toHaveLength(2)
      expect(stateOf(side, EMAIL)).toMatchObject({ state: 'granted', conflicted: false })
    }

    // A new decision supersedes both heads: the conflict clears everywhere.
    agent.decide({ purposeId: SMS, state: 'granted', channel: 'phone', evidence: 'call 2' })
    await until(() => stateOf('customer', SMS)?.conflicted === false, 'conflict cleared')
    expect(stateOf('customer', SMS)?.state).toBe('granted')
    await cleanup()
  })

  it('chains one verified audit entry per decision, with the actor of the replica that sent it', async () => {
    const { demo, customer, agent, cleanup } = await setup()
    customer.decide({ purposeId: SMS, state: 'granted', channel: 'web' })
    await saved(customer)
    await until(() => readDecisions(agent.doc).length === 1, 'agent holds the grant')
    customer.setOnline(false)
    customer.decide({ purposeId: SMS, state: 'withdrawn', channel: 'web' })
    agent.decide({ purposeId: SMS, state: 'granted', channel: 'phone', evidence: 'call' })
    await saved(agent)
    customer.setOnline(true)
    await until(() => demo.hub.store.getState().entries.length === 3, 'three entries')
    const entries = demo.hub.store.getState().entries
    expect(entries.map((e) => [e.actorId, e.channel, e.previousState, e.newState, e.conflicted])).toEqual([
      ['C-0001', 'web', 'withdrawn', 'granted', false],
      ['csr1', 'phone', 'granted', 'granted', false],
      ['C-0001', 'web', 'granted', 'withdrawn', true],
    ])
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3])
    expect(verifyChain(entries)).toMatchObject({ ok: true, head: { seq: 3 } })
    expect(new Set(entries.map((e) => e.decisionId)).size).toBe(readDecisions(demo.hub.doc).length)
    await cleanup()
  })

  it('refuses a forged decision (another actor) with the rule, relays none of it, and lets it be discarded', async () => {
    const { demo, customer, agent, cleanup } = await setup()
    decide(customer.doc, {
      purposeId: SMS,
      state: 'granted',
      actor: { id: PEOPLE.agent.user.id, role: 'csr' },
      channel: 'phone',
      noticeVersion: '1.0',
      evidence: 'forged',
    })
    await until(() => customer.store.getState().problem !== null, 'refused')
    expect(customer.store.getState().problem).toMatchObject({ code: 4422, reason: 'actor-mismatch' })
    expect(customer.store.getState().status).toBe('offline')
    expect(readDecisions(demo.hub.doc)).toEqual([])
    expect(readDecisions(agent.doc)).toEqual([])
    expect(demo.hub.store.getState().entries).toEqual([])
    // Discarding drops the forged decision and takes the hub's copy.
    await customer.discardLocalChanges()
    await saved(customer)
    expect(readDecisions(customer.doc)).toEqual([])
    expect(customer.store.getState().problem).toBeNull()
    await cleanup()
  })
})
