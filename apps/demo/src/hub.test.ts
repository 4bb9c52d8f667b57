import { decide, foldAll, readDecisions, verifyChain } from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import { CATALOG, PEOPLE } from './people'
import { memoryStore } from './storage'
import { clearDemo, openDemo } from './world'

const SMS = 'marketing-sms'
const EMAIL = 'marketing-email'

/** The hub and both replicas, in memory (no IndexedDB), ready to decide. */
async function setup() {
  const options = { storage: memoryStore(), persist: false }
  const demo = await (async () => {
    const d = openDemo(options)
    await d.ready
    return d
  })()
  const { customer, agent } = demo.replicas
  const stateOf = (side: 'customer' | 'agent', purposeId: string) =>
    demo.replicas[side].store.getState().purposes.find((p) => p.purposeId === purposeId)
  const folded = (doc: typeof demo.hub.doc) => JSON.stringify(foldAll(readDecisions(doc), CATALOG))
  return { demo, customer, agent, stateOf, folded, cleanup: () => clearDemo(demo, options) }
}

describe('the in-page hub', () => {
  it('relays a live decision to the other replica and reports it durable', async () => {
    const { customer, agent, stateOf, cleanup } = await setup()
    customer.decide({ purposeId: SMS, state: 'granted', channel: 'web' })
    expect(stateOf('agent', SMS)?.state).toBe('granted')
    expect(customer.store.getState()).toMatchObject({ status: 'saved', pending: 0 })
    expect(
      agent.store
        .getState()
        .presence.map((p) => p.user.id)
        .sort(),
    ).toEqual(['C-0001', 'csr1'])
    await cleanup()
  })

  it('keeps offline edits pending, then converges on reconnect with the privacy-safe conflict rule', async () => {
    const { demo, customer, agent, stateOf, folded, cleanup } = await setup()
    customer.decide({ purposeId: SMS, state: 'granted', channel: 'web' })
    customer.setOnline(false)
    customer.decide({ purposeId: SMS, state: 'withdrawn', channel: 'web' })
    customer.decide({ purposeId: SMS, state: 'granted', channel: 'web' })
    customer.decide({ purposeId: EMAIL, state: 'granted', channel: 'web' })
    agent.decide({ purposeId: SMS, state: 'withdrawn', channel: 'phone', evidence: 'call 1' })
    expect(customer.store.getState()).toMatchObject({ status: 'offline', pending: 3 })
    expect(agent.store.getState().presence.filter((p) => !p.self)).toEqual([])
    expect(stateOf('agent', EMAIL)?.state).toBe('withdrawn')

    customer.setOnline(true)
    expect(customer.store.getState()).toMatchObject({ status: 'saved', pending: 0 })
    // Byte-identical folds on all three documents.
    expect(folded(customer.doc)).toBe(folded(demo.hub.doc))
    expect(folded(agent.doc)).toBe(folded(demo.hub.doc))
    for (const side of ['customer', 'agent'] as const) {
      expect(stateOf(side, SMS)).toMatchObject({ state: 'withdrawn', conflicted: true })
      expect(stateOf(side, SMS)?.heads).toHaveLength(2)
      expect(stateOf(side, EMAIL)).toMatchObject({ state: 'granted', conflicted: false })
    }

    // A new decision supersedes both heads: the conflict clears everywhere.
    agent.decide({ purposeId: SMS, state: 'granted', channel: 'phone', evidence: 'call 2' })
    expect(stateOf('customer', SMS)).toMatchObject({ state: 'granted', conflicted: false })
    await cleanup()
  })

  it('chains one verified audit entry per decision, with the actor of the replica that sent it', async () => {
    const { demo, customer, agent, cleanup } = await setup()
    customer.decide({ purposeId: SMS, state: 'granted', channel: 'web' })
    customer.setOnline(false)
    customer.decide({ purposeId: SMS, state: 'withdrawn', channel: 'web' })
    agent.decide({ purposeId: SMS, state: 'granted', channel: 'phone', evidence: 'call' })
    customer.setOnline(true)
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

  it('refuses a forged decision (another actor) and relays none of it', async () => {
    const { demo, customer, agent, cleanup } = await setup()
    decide(customer.doc, {
      purposeId: SMS,
      state: 'granted',
      actor: { id: PEOPLE.agent.user.id, role: 'csr' },
      channel: 'phone',
      noticeVersion: '1.0',
      evidence: 'forged',
    })
    expect(customer.store.getState().problem).toMatchObject({ code: 4422, reason: 'actor-mismatch' })
    expect(customer.store.getState().status).toBe('offline')
    expect(readDecisions(demo.hub.doc)).toEqual([])
    expect(readDecisions(agent.doc)).toEqual([])
    expect(demo.hub.store.getState().entries).toEqual([])
    // Discarding drops the forged decision and takes the hub's copy.
    await customer.discardLocalChanges()
    expect(readDecisions(customer.doc)).toEqual([])
    expect(customer.store.getState()).toMatchObject({ problem: null, status: 'saved' })
    await cleanup()
  })
})
