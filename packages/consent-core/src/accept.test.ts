import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { type AcceptContext, acceptUpdate, type Changed } from './accept'
import { type AuditEntry, GENESIS, verifyChain } from './audit'
import { DEFAULT_CATALOG } from './catalog'
import { decide, readDecisions } from './document'
import { sha256Hex } from './hash'
import type { ConnectionUser, DecisionState } from './types'
import { ShadowValidator } from './validate'

const CUSTOMER: ConnectionUser = { id: 'C-0001', role: 'customer', customerId: 'C-0001' }
const AGENT: ConnectionUser = { id: 'csr1', role: 'csr' }

/** The accepting side (server room or demo hub) in miniature: a document, its shadow, its chain. */
function setup() {
  const doc = new Y.Doc()
  const validator = new ShadowValidator(doc)
  const stored: AuditEntry[] = []
  let head = GENESIS
  const accept = (update: Uint8Array, user: ConnectionUser, receivedAt = '2026-12-01T10:00:00.000Z') => {
    const context: AcceptContext = { customerId: 'C-0001', user, receivedAt, connectionId: `conn-${user.id}` }
    const result = acceptUpdate({
      validator,
      before: readDecisions(doc),
      head,
      update,
      context,
      catalog: DEFAULT_CATALOG,
    })
    if (result.ok && result.changed) {
      stored.push(...result.entries)
      Y.applyUpdate(doc, update)
      head = result.head
    }
    return result
  }
  return { doc, stored, accept, head: () => head }
}

/** A replica that decides and hands over what it made since the last hand-over. */
function replica(user: ConnectionUser, from?: Y.Doc) {
  const doc = new Y.Doc()
  if (from) Y.applyUpdate(doc, Y.encodeStateAsUpdate(from))
  let sent = Y.encodeStateVector(doc)
  return {
    doc,
    decide(purposeId: string, state: DecisionState) {
      return decide(
        doc,
        {
          purposeId,
          state,
          actor: { id: user.id, role: user.role === 'csr' ? 'csr' : 'customer' },
          channel: user.role === 'csr' ? 'phone' : 'web',
          noticeVersion: DEFAULT_CATALOG.purposes.find((p) => p.id === purposeId)?.version ?? '',
          ...(user.role === 'csr' ? { evidence: 'call 17' } : {}),
        },
        DEFAULT_CATALOG,
      )
    },
    handOver(): Uint8Array {
      const update = Y.encodeStateAsUpdate(doc, sent)
      sent = Y.encodeStateVector(doc)
      return update
    },
  }
}

describe('acceptUpdate: the one accept path (SPEC 6)', () => {
  it('judges, derives an entry per decision with the actor from the context, and chains it (SPEC 6.1)', () => {
    const s = setup()
    const phone = replica(CUSTOMER)
    const d = phone.decide('marketing-sms', 'granted')
    const update = phone.handOver()
    const result = s.accept(update, CUSTOMER) as Changed
    expect(result).toMatchObject({ ok: true, changed: true, added: [d], updateHash: sha256Hex(update) })
    expect(result.entries).toHaveLength(1)
    expect(result.entries[0]).toMatchObject({
      seq: 1,
      prevHash: GENESIS.hash,
      decisionId: d.id,
      previousState: 'withdrawn',
      newState: 'granted',
      actorId: 'C-0001',
      actorRole: 'customer',
      receivedAt: '2026-12-01T10:00:00.000Z',
      connectionId: 'conn-C-0001',
      updateHash: sha256Hex(update),
    })
    expect(result.head).toEqual({ seq: 1, hash: result.entries[0]?.hash })
  })

  it('chains one update after another, and the stored chain verifies (SPEC 6.2)', () => {
    const s = setup()
    const phone = replica(CUSTOMER)
    phone.decide('marketing-sms', 'granted')
    s.accept(phone.handOver(), CUSTOMER)
    const agent = replica(AGENT, s.doc)
    agent.decide('marketing-sms', 'withdrawn')
    agent.decide('usage-analytics', 'granted')
    const second = s.accept(agent.handOver(), AGENT) as Changed
    expect(second.entries.map((e) => [e.seq, e.actorId, e.previousState, e.newState])).toEqual([
      [2, 'csr1', 'granted', 'withdrawn'],
      [3, 'csr1', 'withdrawn', 'granted'],
    ])
    expect(verifyChain(s.stored)).toEqual({ ok: true, head: s.head() })
  })

  it('stores nothing for a re-send, and nothing of a rejected update (SPEC 6.3)', () => {
    const s = setup()
    const phone = replica(CUSTOMER)
    phone.decide('marketing-email', 'granted')
    const update = phone.handOver()
    s.accept(update, CUSTOMER)
    expect(s.accept(update, CUSTOMER)).toEqual({ ok: true, changed: false })
    // The same update from an agent's connection names the customer as actor: refused, head kept.
    const forged = replica(CUSTOMER, s.doc)
    forged.decide('marketing-email', 'withdrawn')
    const before = s.head()
    expect(s.accept(forged.handOver(), AGENT)).toMatchObject({ ok: false, reason: 'actor-mismatch' })
    expect(s.head()).toEqual(before)
    expect(s.stored).toHaveLength(1)
    // The shadow was rebuilt: the next valid update is judged on the stored document.
    const agent = replica(AGENT, s.doc)
    agent.decide('marketing-email', 'withdrawn')
    expect(s.accept(agent.handOver(), AGENT)).toMatchObject({ ok: true, changed: true })
  })

  it('leaves the head as it was for an update that changes only the profile', () => {
    const s = setup()
    const phone = replica(CUSTOMER)
    phone.doc.getMap('profile').set('language', 'ta')
    const result = s.accept(phone.handOver(), CUSTOMER) as Changed
    expect(result).toMatchObject({
      ok: true,
      changed: true,
      added: [],
      entries: [],
      profile: { language: 'ta' },
    })
    expect(result.head).toEqual(GENESIS)
  })
})
