/**
 * The soak's clients: sync-client handles (IndexedDB via fake-indexeddb, reloadable while
 * offline, handle-client.ts) and stock y-websocket providers (durable acks read from message type
 * 100, stock-client.ts). Each records the decisions it makes and when the server acknowledged them
 * as durable (decisions.ts).
 */
import type { ActorRole } from '@consent-sync/consent-core'
import type * as Y from 'yjs'
import type { MadeDecision } from './decisions'
import { HandleClient } from './handle-client'
import type { Rng } from './rng'
import { StockClient } from './stock-client'

export type { MadeDecision } from './decisions'

export interface Rejection {
  client: string
  code: number
  reason: string
}

export interface ClientSpec {
  name: string
  kind: 'handle' | 'stock'
  role: ActorRole
  /** customer id for customers, csr1/csr2 for agents */
  actorId: string
  customerId: string
}

export interface ClientEnv {
  /** ws://127.0.0.1:<this client's proxy port>/sync */
  url: string
  token: string
  getToken: () => Promise<string>
  /** A unique prefix for IndexedDB names (per soak run). */
  dbPrefix: string
  now: () => number
  onMade: (d: MadeDecision) => void
  onAcked: (d: MadeDecision) => void
  onRejected: (r: Rejection) => void
  onClose: (code: number) => void
}

export interface SoakClient {
  readonly spec: ClientSpec
  readonly doc: Y.Doc
  readonly online: boolean
  /** Whether a decision can be made now (loaded, not mid-reload, no permanent problem). */
  canDecide(): boolean
  decide(rng: Rng): MadeDecision
  goOffline(): void
  goOnline(): void
  /** Presence: whether this person is editing right now. */
  setEditing(editing: boolean): void
  /** Destroy and open again on the same local database (handles only), staying offline. */
  reload(): Promise<void>
  /** Everything it made is durable and it is connected and synced with the server. */
  settled(): boolean
  pending(): number
  problem(): string | undefined
  unacked(): number
  destroy(): Promise<void>
}
const CUSTOMERS = ['C-0001', 'C-0002', 'C-0003', 'C-0004', 'C-0005'] as const

/** Which clients exist: one customer device per document first, then a seeded mix. */
export function clientSpecs(rng: Rng, count: number): ClientSpec[] {
  const specs: ClientSpec[] = []
  for (let i = 0; i < count; i++) {
    const kind = i < CUSTOMERS.length ? 'handle' : rng.chance(0.55) ? 'handle' : 'stock'
    const customer = i < CUSTOMERS.length ? CUSTOMERS[i] : rng.pick(CUSTOMERS)
    const csr = i >= CUSTOMERS.length && rng.chance(0.6)
    const actorId = csr ? rng.pick(['csr1', 'csr2'] as const) : (customer ?? 'C-0001')
    const customerId = customer ?? 'C-0001'
    specs.push({
      name: `${String(i).padStart(2, '0')}-${kind}-${actorId}${csr ? `-on-${customerId}` : ''}`,
      kind,
      role: csr ? 'csr' : 'customer',
      actorId,
      customerId,
    })
  }
  return specs
}

export function createClient(spec: ClientSpec, env: ClientEnv): SoakClient {
  return spec.kind === 'handle' ? new HandleClient(spec, env) : new StockClient(spec, env)
}
