import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DEFAULT_CATALOG, findPurpose } from './catalog'
import { decide, readDecisions } from './document'
import { foldAll, foldOne } from './fold'
import type { Actor, Channel, ConnectionUser, Decision, DecisionState } from './types'
import { validateUpdate } from './validate'

const RUNS = Number(process.env.CONVERGENCE_RUNS ?? 1000)
const DAY = 24 * 60 * 60 * 1000
const EPOCH = Date.parse('2026-11-20T00:00:00Z')
const PURPOSES = DEFAULT_CATALOG.purposes.map((p) => p.id)
const REMOTE = Symbol('remote')

interface ReplicaSpec {
  actor: Actor
  /** Device clock error in ms, up to ±2 days. */
  skew: number
}

interface Replica extends ReplicaSpec {
  index: number
  doc: Y.Doc
  online: boolean
  /** Updates made while offline, sent when back online. */
  outbox: Uint8Array[]
}

interface Message {
  to: number
  update: Uint8Array
}

/** A mesh of replicas of one customer's document, with a lossy, reordering, duplicating network. */
function setup(specs: readonly ReplicaSpec[]) {
  const inFlight: Message[] = []
  const replicas: Replica[] = specs.map((spec, index) => {
    const doc = new Y.Doc()
    doc.clientID = index + 1 // deterministic, so a failing run replays exactly
    return { ...spec, index, doc, online: true, outbox: [] }
  })
  const send = (from: Replica, update: Uint8Array) => {
    for (const r of replicas) if (r !== from) inFlight.push({ to: r.index, update })
  }
  for (const r of replicas) {
    r.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) return
      if (r.online) send(r, update)
      else r.outbox.push(update)
    })
  }
  const setOnline = (r: Replica, online: boolean) => {
    r.online = online
    if (online) for (const u of r.outbox.splice(0)) send(r, u)
  }
  /** Delivers the `pick`-th message among those whose recipient is online; keeps it to duplicate. */
  const deliver = (pick: number, duplicate: boolean) => {
    const ready = inFlight.flatMap((m, i) => (replicas[m.to]!.online ? [i] : []))
    if (ready.length === 0) return
    const i = ready[pick % ready.length]!
    const m = inFlight[i]!
    if (!duplicate) inFlight.splice(i, 1)
    Y.applyUpdate(replicas[m.to]!.doc, m.update, REMOTE)
  }
  /** Everyone online, then every message delivered, in an order drawn from `seed`. */
  const drain = (seed: number) => {
    for (const r of replicas) setOnline(r, true)
    let s = seed >>> 0
    while (inFlight.length > 0) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0
      deliver(s, false)
    }
  }
  return { replicas, inFlight, setOnline, deliver, drain }
}

function userOf(actor: Actor): ConnectionUser {
  return actor.role === 'customer' ? { id: actor.id, role: 'customer', customerId: 'C-0001' } : actor
}

function channelOf(actor: Actor, pick: boolean): Channel {
  return actor.role === 'customer' ? (pick ? 'web' : 'app') : pick ? 'phone' : 'store'
}

const arbActor: fc.Arbitrary<Actor> = fc.oneof(
  fc.constant<Actor>({ id: 'C-0001', role: 'customer' }),
  fc.constantFrom<Actor>(
    { id: 'csr1', role: 'csr' },
    { id: 'csr2', role: 'csr' },
    { id: 'csr3', role: 'csr' },
  ),
)
const arbSpec: fc.Arbitrary<ReplicaSpec> = fc.record({
  actor: arbActor,
  skew: fc.integer({ min: -2 * DAY, max: 2 * DAY }),
})

type Op =
  | { kind: 'decide'; replica: number; purpose: number; state: DecisionState; channel: boolean }
  | { kind: 'deliver'; pick: number; duplicate: boolean }
  | { kind: 'online'; replica: number; online: boolean }

const arbOp: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('decide' as const),
      replica: fc.nat(),
      purpose: fc.oneof(fc.nat({ max: 2 }), fc.nat({ max: PURPOSES.length - 1 })),
      state: fc.constantFrom<DecisionState>('granted', 'withdrawn'),
      channel: fc.boolean(),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat(), duplicate: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('online' as const), replica: fc.nat(), online: fc.boolean() }),
  },
)

describe('convergence (SPEC 3.1, 3.7)', () => {
  it(
    `random schedules converge to one fold on every replica (${RUNS} runs)`,
    () => {
      fc.assert(
        fc.property(
          fc.array(arbSpec, { minLength: 2, maxLength: 6 }),
          fc.array(arbOp, { maxLength: 60 }),
          fc.integer(),
          (specs, ops, seed) => {
            const net = setup(specs)
            const n = net.replicas.length
            // What each decision's replica held of its purpose when deciding: the model of SPEC 3.7.
            const saw = new Map<string, { decision: Decision; saw: Set<string> }>()
            let step = 0
            for (const op of ops) {
              step++
              if (op.kind === 'deliver') net.deliver(op.pick, op.duplicate)
              else if (op.kind === 'online') net.setOnline(net.replicas[op.replica % n]!, op.online)
              else {
                const r = net.replicas[op.replica % n]!
                const purposeId = PURPOSES[op.purpose]!
                const held = readDecisions(r.doc).filter((d) => d.purposeId === purposeId)
                const base = Y.encodeStateAsUpdate(r.doc)
                const produced: Uint8Array[] = []
                const capture = (u: Uint8Array) => produced.push(u)
                r.doc.on('update', capture)
                const decision = decide(r.doc, {
                  purposeId,
                  state: op.state,
                  actor: r.actor,
                  channel: channelOf(r.actor, op.channel),
                  noticeVersion: findPurpose(DEFAULT_CATALOG, purposeId)!.version,
                  // A UUID (SPEC 2.5) naming replica and step, so a failing run replays exactly.
                  id: `00000000-0000-4000-8${r.index.toString(16).padStart(3, '0')}-${step.toString(16).padStart(12, '0')}`,
                  at: new Date(EPOCH + step * 60_000 + r.skew).toISOString(),
                })
                r.doc.off('update', capture)
                saw.set(decision.id, { decision, saw: new Set(held.map((d) => d.id)) })
                // Cross-check: what a replica produces passes validation where its dependencies are held.
                expect(produced).toHaveLength(1)
                const server = new Y.Doc()
                Y.applyUpdate(server, base)
                // The replica's integrated state is what its update depends on; what it holds pending
                // (sent out of order) is not, and a server would not hold it pending.
                server.store.pendingStructs = null
                server.store.pendingDs = null
                const verdict = validateUpdate(server, produced[0]!, userOf(r.actor), DEFAULT_CATALOG)
                expect(verdict).toMatchObject({ ok: true, changed: true, added: [decision] })
              }
            }
            net.drain(seed)

            const vectors = net.replicas.map((r) => Y.encodeStateVector(r.doc))
            const folds = net.replicas.map((r) =>
              JSON.stringify(foldAll(readDecisions(r.doc), DEFAULT_CATALOG)),
            )
            for (const r of net.replicas) {
              expect(r.doc.store.pendingStructs).toBeNull()
              expect(r.doc.store.pendingDs).toBeNull()
              expect(readDecisions(r.doc)).toHaveLength(saw.size)
            }
            for (let i = 1; i < n; i++) {
              expect(vectors[i]).toEqual(vectors[0])
              expect(folds[i]).toBe(folds[0])
            }
            // SPEC 3.2–3.4, 3.7: heads are the decisions nobody saw before deciding, whatever the clocks.
            const decisions = readDecisions(net.replicas[0]!.doc)
            for (const purposeId of PURPOSES) {
              const mine = [...saw.values()].filter((s) => s.decision.purposeId === purposeId)
              const heads = mine.filter((s) => !mine.some((o) => o.saw.has(s.decision.id)))
              const folded = foldOne(decisions, DEFAULT_CATALOG, purposeId)!
              expect(folded.heads.map((h) => h.id).sort()).toEqual(heads.map((h) => h.decision.id).sort())
              expect(folded.conflicted).toBe(heads.length > 1)
              const expected =
                heads.length === 0
                  ? 'withdrawn'
                  : heads.some((h) => h.decision.state === 'withdrawn')
                    ? 'withdrawn'
                    : 'granted'
              expect(folded.state).toBe(expected)
            }
          },
        ),
        { numRuns: RUNS },
      )
    },
    Math.max(120_000, RUNS * 100),
  )
})

/** Three replicas: a customer phone and two agents, each with its own clock error. */
function trio(skews: [number, number, number]) {
  return setup([
    { actor: { id: 'C-0001', role: 'customer' }, skew: skews[0] },
    { actor: { id: 'csr1', role: 'csr' }, skew: skews[1] },
    { actor: { id: 'csr2', role: 'csr' }, skew: skews[2] },
  ])
}

function decideOn(r: Replica, purposeId: string, state: DecisionState, id: string, minutes = 0): Decision {
  return decide(r.doc, {
    purposeId,
    state,
    actor: r.actor,
    channel: channelOf(r.actor, true),
    noticeVersion: '1.0',
    id,
    at: new Date(EPOCH + minutes * 60_000 + r.skew).toISOString(),
  })
}

describe('conflicts across replicas', () => {
  it('concurrent grant and withdrawal: withdrawn and conflicted everywhere, any arrival order (SPEC 3.4)', () => {
    fc.assert(
      fc.property(
        fc.tuple(
          fc.integer({ min: -2 * DAY, max: 2 * DAY }),
          fc.integer({ min: -2 * DAY, max: 2 * DAY }),
          fc.constant(0),
        ),
        fc.array(fc.tuple(fc.nat(), fc.boolean()), { maxLength: 12 }),
        fc.integer(),
        fc.boolean(),
        (skews, deliveries, seed, customerGrants) => {
          const net = trio(skews)
          const [phone, agent] = net.replicas
          net.setOnline(phone!, false)
          decideOn(phone!, 'marketing-sms', customerGrants ? 'granted' : 'withdrawn', 'by-customer')
          decideOn(agent!, 'marketing-sms', customerGrants ? 'withdrawn' : 'granted', 'by-agent')
          for (const [pick, duplicate] of deliveries) net.deliver(pick, duplicate)
          net.drain(seed)
          for (const r of net.replicas) {
            const s = foldOne(readDecisions(r.doc), DEFAULT_CATALOG, 'marketing-sms')
            expect(s).toMatchObject({ state: 'withdrawn', conflicted: true })
            expect(s?.decision?.id).toBe(customerGrants ? 'by-agent' : 'by-customer')
            expect(s?.heads.map((h) => h.id).sort()).toEqual(['by-agent', 'by-customer'])
          }
        },
      ),
      { numRuns: 200 },
    )
  })

  it('a later decision that saw both resolves the conflict everywhere (SPEC 3.5)', () => {
    const net = trio([0, 0, 0])
    const [phone, agent, other] = net.replicas
    net.setOnline(phone!, false)
    decideOn(phone!, 'partner-sharing', 'granted', 'g')
    decideOn(agent!, 'partner-sharing', 'withdrawn', 'w')
    net.drain(1)
    const resolving = decideOn(other!, 'partner-sharing', 'granted', 'r', 5)
    expect(resolving.supersedes).toEqual(['g', 'w'])
    net.drain(2)
    for (const r of net.replicas) {
      expect(foldOne(readDecisions(r.doc), DEFAULT_CATALOG, 'partner-sharing')).toMatchObject({
        state: 'granted',
        conflicted: false,
        decision: { id: 'r' },
      })
    }
  })

  it('a decision made after seeing another wins whatever the clocks say (SPEC 3.7)', () => {
    // The customer's phone runs two days fast, the agent's PC two days slow.
    const net = trio([2 * DAY, -2 * DAY, 0])
    const [phone, agent] = net.replicas
    const withdrawal = decideOn(phone!, 'marketing-email', 'withdrawn', 'w')
    net.drain(3)
    const grant = decideOn(agent!, 'marketing-email', 'granted', 'g', 10)
    expect(Date.parse(grant.at)).toBeLessThan(Date.parse(withdrawal.at))
    net.drain(4)
    for (const r of net.replicas) {
      expect(foldOne(readDecisions(r.doc), DEFAULT_CATALOG, 'marketing-email')).toMatchObject({
        state: 'granted',
        conflicted: false,
        decision: { id: 'g' },
      })
    }
  })

  it('a purpose nobody decided keeps its catalog default everywhere (SPEC 3.6)', () => {
    const net = trio([0, 0, 0])
    decideOn(net.replicas[0]!, 'marketing-sms', 'granted', 'g')
    net.drain(5)
    for (const r of net.replicas) {
      const states = foldAll(readDecisions(r.doc), DEFAULT_CATALOG)
      for (const s of states) {
        const p = DEFAULT_CATALOG.purposes.find((x) => x.id === s.purposeId)!
        expect(s.state).toBe(s.purposeId === 'marketing-sms' ? 'granted' : p.default)
        expect(s.conflicted).toBe(false)
      }
    }
  })
})
