/**
 * The decisions of the soak's people: what each decides at random, and a client's ledger of what
 * it made and when the server acknowledged it as durable.
 */
import { CHANNELS_BY_ROLE, DEFAULT_CATALOG, type DecisionState } from '@consent-sync/consent-core'
import type { ClientEnv, ClientSpec, MadeDecision } from './client-types'
import type { Rng } from './rng'

/** A random decision of this person: any purpose, either way, on a channel of their role. */
export function decisionInput(spec: ClientSpec, rng: Rng) {
  const purposeId = rng.pick(DEFAULT_CATALOG.purposes).id
  const state: DecisionState = rng.chance(0.5) ? 'granted' : 'withdrawn'
  const channel = rng.pick(CHANNELS_BY_ROLE[spec.role].filter((c) => c !== 'import'))
  const evidence = spec.role === 'csr' ? `soak ticket ${rng.int(1000, 99999)}` : undefined
  return { purposeId, state, channel, ...(evidence !== undefined ? { evidence } : {}) }
}

/**
 * The decisions one client made that wait for the server's durable ack, and the moment each got
 * it: the bookkeeping both kinds of client share (they differ only in how they learn of the ack).
 */
export class Ledger {
  private waiting: { made: MadeDecision; clock: number }[] = []

  constructor(
    private readonly spec: ClientSpec,
    private readonly env: ClientEnv,
  ) {}

  /** A decision just made; `clock` is this client's Yjs clock after it (what an ack must cover). */
  made(id: string, clock = 0): MadeDecision {
    const { name: client, actorId, customerId } = this.spec
    const made: MadeDecision = { id, client, actorId, customerId, madeAt: this.env.now() }
    this.waiting.push({ made, clock })
    this.env.onMade(made)
    return made
  }

  /** Every waiting decision up to `clock` is durable now (`Infinity`: all of them). */
  acknowledge(clock: number): void {
    const still: typeof this.waiting = []
    for (const w of this.waiting) {
      if (w.clock <= clock) {
        w.made.ackedAt = this.env.now()
        this.env.onAcked(w.made)
      } else still.push(w)
    }
    this.waiting = still
  }

  get unacked(): number {
    return this.waiting.length
  }
}
