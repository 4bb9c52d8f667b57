/** An accepted update from another instance: already durable in the shared store under `seq`. */
export interface RemoteUpdate {
  customerId: string
  seq: number
  update: Uint8Array
}

export interface RemoteAwareness {
  customerId: string
  update: Uint8Array
}

/** Another instance opened the customer's document and asks who is present here. */
export interface PresenceQuery {
  customerId: string
}

/**
 * Fans accepted updates and presence out to the other instances serving the same documents
 * (DESIGN.md §8). Delivery may drop messages: receivers detect gaps by seq and repair from the store.
 */
export interface FanOut {
  readonly instanceId: string
  publishUpdate(customerId: string, seq: number, update: Uint8Array): void
  publishAwareness(customerId: string, update: Uint8Array): void
  /** Asks the other instances to publish the presence of their connections to this document. */
  publishPresenceQuery(customerId: string): void
  /** Tells the other instances the purpose catalog changed in the store: they read it again. */
  publishCatalogChanged(): void
  onUpdate(listener: (message: RemoteUpdate) => void): void
  onAwareness(listener: (message: RemoteAwareness) => void): void
  onPresenceQuery(listener: (message: PresenceQuery) => void): void
  onCatalogChanged(listener: () => void): void
  /** Tells the other instances an account changed: they forget what they knew and close a disabled one's connections. */
  publishAccountChanged(username: string): void
  onAccountChanged(listener: (username: string) => void): void
  /** Resolves once messages from the other instances are being received (or after `timeoutMs`). */
  ready(timeoutMs: number): Promise<void>
  /** Called when delivery (re)starts after an interruption: what was published meanwhile is lost. */
  onResume(listener: () => void): void
  /** Throws when the fan-out cannot deliver right now (readiness). */
  ping(): Promise<void>
  close(): Promise<void>
}

/** One instance alone: nothing to fan out to. */
export function localFanOut(): FanOut {
  return {
    instanceId: 'local',
    publishUpdate() {},
    publishAwareness() {},
    publishPresenceQuery() {},
    publishCatalogChanged() {},
    onUpdate() {},
    onAwareness() {},
    onPresenceQuery() {},
    onCatalogChanged() {},
    publishAccountChanged() {},
    onAccountChanged() {},
    async ready() {},
    onResume() {},
    async ping() {},
    async close() {},
  }
}
