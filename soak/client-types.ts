/** What a soak client is and what it is given (clients.ts makes them). */
import type { ActorRole } from '@consent-sync/consent-core'
import type * as Y from 'yjs'
import type { Rng } from './rng'

export interface MadeDecision {
  id: string
  client: string
  actorId: string
  customerId: string
  /** ms since the soak started */
  madeAt: number
  ackedAt?: number
}

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
