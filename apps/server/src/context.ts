import type { AuditEntry } from '@consent-sync/consent-core'
import type { AccountChanges } from './accounts/account-changes'
import type { VerifyToken } from './auth/verifier'
import type { LiveCatalog } from './catalog/live-catalog'
import type { Config } from './config'
import type { Metrics } from './metrics/metrics'
import type { KeyRegistry } from './receipts/signing-keys'
import type { Store } from './store/store'
import type { FanOut } from './sync/fanout'
import type { Rooms } from './sync/rooms'

/** Emitted after an update's decisions are durable; the live feed listens (DESIGN.md §7). */
export interface DecisionsAccepted {
  customerId: string
  entries: AuditEntry[]
  user: { id: string; role: string; name: string }
}

export interface AcceptedEvents {
  on(listener: (event: DecisionsAccepted) => void): () => void
  emit(event: DecisionsAccepted): void
}

export function createAcceptedEvents(): AcceptedEvents {
  const listeners = new Set<(event: DecisionsAccepted) => void>()
  return {
    on(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    emit(event) {
      for (const l of listeners) l(event)
    },
  }
}

/** What every part of the server shares, built once at start (app.ts) and decorated on Fastify. */
export interface ServerContext {
  config: Config
  store: Store
  /** Fan-out to the other instances of the deployment. */
  fanout: FanOut
  /** The purpose catalog as published in the store, kept current (catalog/live-catalog.ts). */
  catalog: LiveCatalog
  rooms: Rooms
  events: AcceptedEvents
  metrics: Metrics
  /** Every kind of token the server accepts: its own, and the identity provider's (auth/verifier.ts). */
  verifyToken: VerifyToken
  /** Account changes, applied on every instance (accounts/account-changes.ts). */
  accounts: AccountChanges
  /** The server's clock (ms since the epoch): expiry is judged by it; tests fix it. */
  now: () => number
  /** The public keys served at `GET /api/keys`: receipt keys, and whatever else signs evidence. */
  keys: KeyRegistry
}
