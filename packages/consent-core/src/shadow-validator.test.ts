import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DEFAULT_CATALOG } from './catalog'
import { decide, decisionsOf, profileOf, setProfile } from './document'
import type { ConnectionUser } from './types'
import { ShadowValidator, validateUpdate } from './validate'

const customer: ConnectionUser = { id: 'C-0001', role: 'customer', customerId: 'C-0001' }
const agent: ConnectionUser = { id: 'csr1', role: 'csr' }

type Step =
  | { kind: 'decide'; who: 0 | 1; purpose: number; grant: boolean }
  | { kind: 'forge'; who: 0 | 1 }
  | { kind: 'delete'; who: 0 | 1 }
  | { kind: 'profile'; lang: 'en' | 'si' | 'ta' }
  | { kind: 'garbage'; bytes: Uint8Array }
  | { kind: 'commit-fails' }

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('decide' as const),
      who: fc.constantFrom(0 as const, 1 as const),
      purpose: fc.nat(6),
      grant: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('forge' as const),
      who: fc.constantFrom(0 as const, 1 as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      who: fc.constantFrom(0 as const, 1 as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('profile' as const),
      lang: fc.constantFrom('en' as const, 'si' as const, 'ta' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('garbage' as const), bytes: fc.uint8Array({ maxLength: 40 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'commit-fails' as const }) },
)

describe('ShadowValidator', () => {
  // SPEC 2.14: a kept shadow judges exactly as a fresh copy of the document would.
  it('gives the same verdict as validateUpdate on every update of a random stream', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => {
        const server = new Y.Doc()
        const validator = new ShadowValidator(server)
        const clients = [new Y.Doc(), new Y.Doc()]
        const users = [customer, agent]
        let failNext = false
        for (const s of steps) {
          if (s.kind === 'commit-fails') {
            failNext = true
            continue
          }
          const who = s.kind === 'decide' || s.kind === 'forge' || s.kind === 'delete' ? s.who : 0
          const client = clients[who]!
          const user = users[who]!
          Y.applyUpdate(client, Y.encodeStateAsUpdate(server))
          const sv = Y.encodeStateVector(server)
          let update: Uint8Array
          if (s.kind === 'garbage') update = s.bytes
          else {
            if (s.kind === 'decide') {
              decide(client, {
                purposeId: DEFAULT_CATALOG.purposes[s.purpose]!.id,
                state: s.grant ? 'granted' : 'withdrawn',
                actor: { id: user.id, role: who === 0 ? 'customer' : 'csr' },
                channel: who === 0 ? 'web' : 'phone',
                noticeVersion: DEFAULT_CATALOG.purposes[s.purpose]!.version,
              })
            } else if (s.kind === 'forge') {
              decide(client, {
                purposeId: 'marketing-sms',
                state: 'granted',
                actor: { id: 'someone-else', role: 'customer' },
                channel: 'web',
                noticeVersion: '1.0',
              })
            } else if (s.kind === 'delete') {
              if (decisionsOf(client).length > 0) decisionsOf(client).delete(0, 1)
            } else setProfile(client, 'language', s.lang)
            update = Y.encodeStateAsUpdate(client, sv)
          }
          const fresh = validateUpdate(server, update, user, DEFAULT_CATALOG)
          const kept = validator.validate(update, user, DEFAULT_CATALOG)
          // documentBytes is an estimate (the kept shadow adds up update sizes); the verdicts are equal.
          const { documentBytes: _a, ...keptVerdict } = kept.ok ? kept : { ...kept, documentBytes: 0 }
          const { documentBytes: _b, ...freshVerdict } = fresh.ok ? fresh : { ...fresh, documentBytes: 0 }
          expect(keptVerdict).toEqual(freshVerdict)
          if (fresh.ok && fresh.changed) {
            if (failNext) validator.reset()
            else Y.applyUpdate(server, update)
          }
          failNext = false
          // A client whose update was refused starts over from the server's copy.
          if (!fresh.ok) clients[who] = new Y.Doc()
        }
        expect(profileOf(server).size).toBeLessThanOrEqual(1)
      }),
      { numRuns: 200 },
    )
  })

  it('keeps equalling the document when it absorbs updates accepted elsewhere', () => {
    const server = new Y.Doc()
    const validator = new ShadowValidator(server)
    const elsewhere = new Y.Doc()
    const decideAs = (doc: Y.Doc, purposeId: string) =>
      decide(doc, {
        purposeId,
        state: 'granted',
        actor: { id: 'C-0001', role: 'customer' },
        channel: 'web',
        noticeVersion: '1.0',
      })
    // Something accepted by another instance: the document gets it, the shadow absorbs it.
    decideAs(elsewhere, 'marketing-sms')
    const remote = Y.encodeStateAsUpdate(elsewhere)
    expect(validator.validate(new Uint8Array([0, 0]), customer, DEFAULT_CATALOG).ok).toBe(true)
    Y.applyUpdate(server, remote)
    validator.absorb(remote)
    // A client relaying that decision with a new one: only the new one is judged as added.
    decideAs(elsewhere, 'marketing-email')
    const relay = Y.encodeStateAsUpdate(elsewhere)
    const kept = validator.validate(relay, customer, DEFAULT_CATALOG)
    const fresh = validateUpdate(server, relay, customer, DEFAULT_CATALOG)
    expect(kept.ok && kept.added.map((d) => d.purposeId)).toEqual(['marketing-email'])
    expect(fresh.ok && fresh.added.map((d) => d.purposeId)).toEqual(['marketing-email'])
  })
})
