import {
  type AwarenessEntry,
  decodeAwarenessEntries,
  encodeAwareness,
  encodeAwarenessEntries,
} from '@consent-sync/protocol'
import * as awarenessProtocol from 'y-protocols/awareness'
import type * as Y from 'yjs'
import type { Peer } from './peer'

export interface PresenceIdentity {
  id: string
  role: string
  name: string
}

export interface PresenceLimits {
  /** Client ids one connection may speak for (a page has one; a few tabs' worth is generous). */
  maxClientsPerConnection: number
  /** Bytes of one presence state's JSON. */
  maxStateBytes: number
}

export const DEFAULT_PRESENCE_LIMITS: PresenceLimits = { maxClientsPerConnection: 4, maxStateBytes: 4096 }

/** Why an incoming presence entry was not taken (counted in /metrics). */
export type PresenceDrop =
  | 'relayed'
  | 'repeated'
  | 'removal-by-other'
  | 'owned-elsewhere'
  | 'too-many-clients'

export type PresenceVerdict =
  | { ok: true; dropped: PresenceDrop[] }
  | { ok: false; problem: 'malformed' | 'too-large'; detail: string }

/** The state with `user` set to the signed-in identity: presence cannot be forged. Null when not an object. */
function stamp(json: string, identity: PresenceIdentity): string | null | undefined {
  let state: unknown
  try {
    state = JSON.parse(json)
  } catch {
    return undefined
  }
  if (state === null) return null
  if (typeof state !== 'object' || Array.isArray(state)) return undefined
  return JSON.stringify({ ...(state as Record<string, unknown>), user: identity })
}

function userIdOf(state: unknown): string | undefined {
  return (state as { user?: { id?: unknown } } | null)?.user?.id as string | undefined
}

/**
 * One room's presence (y-protocols awareness), with the server as the only source of what each
 * connection hears (DESIGN.md §5):
 * - a connection speaks only for client ids it announced itself; a stock provider relays every
 *   state it receives, and a relay (a clock the server already sent it) is dropped, never re-published;
 * - each state is stamped with the identity from the token;
 * - the server's clock for an id only grows, so a client that comes back is seen again by
 *   everyone, while its own connection hears its states echoed with its own clock (hearing a
 *   higher one, a stock provider would adopt it and send it back, round and round);
 * - a connection never hears its own ids from others, and what it hears is recorded so its relay
 *   can be recognised.
 */
export class RoomPresence {
  readonly awareness: awarenessProtocol.Awareness
  /** The echo for the connection whose update is being applied. */
  private echo: { peer: Peer; message: Uint8Array } | null = null

  constructor(
    doc: Y.Doc,
    private readonly peers: ReadonlySet<Peer>,
    private readonly publish: (update: Uint8Array) => void,
    private readonly limits: PresenceLimits = DEFAULT_PRESENCE_LIMITS,
  ) {
    this.awareness = new awarenessProtocol.Awareness(doc)
    this.awareness.setLocalState(null)
    this.awareness.on('update', this.onUpdate)
  }

  private readonly onUpdate = (change: AwarenessChange, origin: unknown) => this.broadcast(change, origin)

  /**
   * Tells a new connection who is here. A client that comes back with the same id still holds
   * the clocks it recorded when it dropped everyone (one past what it heard), and would ignore
   * states that did not move since: the server's clocks step past any such record first.
   */
  join(peer: Peer): void {
    const ids = [...this.awareness.getStates().keys()]
    for (const id of ids) {
      const meta = this.awareness.meta.get(id)
      if (meta) this.awareness.meta.set(id, { clock: meta.clock + 2, lastUpdated: meta.lastUpdated })
    }
    this.sendStates(peer, ids)
  }

  /** The connection's ids leave with it, for everyone, on every instance. */
  leave(peer: Peer): void {
    const mine = [...peer.presence.owned.keys()].filter((id) => this.awareness.getStates().has(id))
    if (mine.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, mine, peer)
  }

  /** Answers a query-awareness message: every state but the connection's own. */
  answerQuery(peer: Peer): void {
    this.sendStates(
      peer,
      [...this.awareness.getStates().keys()].filter((id) => !peer.presence.owned.has(id)),
    )
  }

  /** Publishes the states this instance's connections speak for (another instance asked). */
  publishLocal(): void {
    const ids = [...this.awareness.getStates().keys()].filter((id) => this.ownedHere(id))
    if (ids.length > 0) this.publish(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids))
  }

  /** An awareness update from one of this instance's connections. */
  receive(peer: Peer, update: Uint8Array): PresenceVerdict {
    const entries = decodeAwarenessEntries(update)
    if (entries === null) return { ok: false, problem: 'malformed', detail: 'bad awareness update' }
    const dropped: PresenceDrop[] = []
    const accepted: AwarenessEntry[] = []
    const echoed: AwarenessEntry[] = []
    const identity = { id: peer.user.id, role: peer.user.role, name: peer.user.name }
    for (const entry of entries) {
      const bytes = Buffer.byteLength(entry.json)
      if (bytes > this.limits.maxStateBytes) {
        return {
          ok: false,
          problem: 'too-large',
          detail: `presence state of ${bytes} bytes exceeds ${this.limits.maxStateBytes}`,
        }
      }
      const json = stamp(entry.json, identity)
      if (json === undefined) return { ok: false, problem: 'malformed', detail: 'bad awareness state' }
      const drop = this.judge(peer, entry, json === null)
      if (drop) {
        dropped.push(drop)
        continue
      }
      peer.presence.owned.set(entry.clientId, entry.clock)
      const stamped = json ?? 'null'
      accepted.push({ clientId: entry.clientId, clock: this.nextClock(entry), json: stamped })
      echoed.push({ clientId: entry.clientId, clock: entry.clock, json: stamped })
    }
    if (accepted.length > 0) {
      this.echo = { peer, message: encodeAwareness(encodeAwarenessEntries(echoed)) }
      try {
        awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(accepted), peer)
      } finally {
        this.echo = null
      }
    }
    return { ok: true, dropped }
  }

  /**
   * Presence another instance accepted (fan-out): only its owners' changes are published, so each
   * entry is news, set on this instance's clocks; never published again. Ids a connection of this
   * instance speaks for stay theirs.
   */
  receiveRemote(update: Uint8Array): boolean {
    const entries = decodeAwarenessEntries(update)
    if (entries === null) return false
    const accepted = entries
      .filter((e) => !this.ownedHere(e.clientId))
      .map((e) => ({ ...e, clock: this.nextClock(e) }))
    if (accepted.length > 0) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(accepted), REMOTE)
    }
    return true
  }

  /** The server's clock for a change: the sender's, or one past the server's when that is not ahead. */
  private nextClock(entry: AwarenessEntry): number {
    const known = this.awareness.meta.get(entry.clientId)?.clock
    return known !== undefined && entry.clock <= known ? known + 1 : entry.clock
  }

  /** Stops the presence of a room being released: nothing more is relayed (its connections are closing). */
  destroy(): void {
    // Detached first: y-protocols' destroy clears the server's own state, an update to relay to nobody.
    this.awareness.off('update', this.onUpdate)
    this.awareness.destroy()
  }

  /** Why an entry from `peer` is not taken, or null when the connection may speak for it. */
  private judge(peer: Peer, entry: AwarenessEntry, removal: boolean): PresenceDrop | null {
    const { clientId, clock } = entry
    const last = peer.presence.owned.get(clientId)
    if (last !== undefined) return clock <= last ? 'repeated' : null
    // Only an id's owner removes it; a stock provider relays removals it heard or timed out itself.
    if (removal) return 'removal-by-other'
    // A relay carries a clock the server sent this connection; an owner's own clock is past it.
    const heard = peer.presence.heard.get(clientId)
    if (heard !== undefined && clock <= heard) return 'relayed'
    for (const other of this.peers) {
      if (other === peer || !other.presence.owned.has(clientId)) continue
      // The same person on a new connection before the old one was seen to close: theirs now.
      if (other.user.id !== peer.user.id) return 'owned-elsewhere'
      other.presence.owned.delete(clientId)
    }
    // Live on another instance: only the same person may take it over.
    const current = this.awareness.getStates().get(clientId)
    if (current !== undefined && !this.ownedHere(clientId) && userIdOf(current) !== peer.user.id) {
      return 'owned-elsewhere'
    }
    if (peer.presence.owned.size >= this.limits.maxClientsPerConnection) return 'too-many-clients'
    return null
  }

  private ownedHere(clientId: number): boolean {
    for (const p of this.peers) if (p.presence.owned.has(clientId)) return true
    return false
  }

  private broadcast({ added, updated, removed }: AwarenessChange, origin: unknown): void {
    const changed = [...added, ...updated, ...removed]
    if (changed.length === 0) return
    const bytes = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed)
    const message = encodeAwareness(bytes)
    for (const p of this.peers) {
      if (this.echo !== null && p === this.echo.peer) {
        p.send(this.echo.message)
        continue
      }
      const ids = changed.filter((id) => !p.presence.owned.has(id))
      if (ids.length === changed.length) {
        this.record(p, ids)
        p.send(message)
      } else if (ids.length > 0) {
        this.sendStates(p, ids)
      }
    }
    // Presence from this instance's connections reaches the other instances' (DESIGN.md §8).
    if (isPeer(origin)) this.publish(bytes)
  }

  private sendStates(peer: Peer, ids: number[]): void {
    if (ids.length === 0) return
    this.record(peer, ids)
    peer.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids)))
  }

  private record(peer: Peer, ids: readonly number[]): void {
    for (const id of ids) {
      const clock = this.awareness.meta.get(id)?.clock ?? 0
      if ((peer.presence.heard.get(id) ?? -1) < clock) peer.presence.heard.set(id, clock)
    }
  }
}

/** Origin of presence that came from another instance: not published again. */
const REMOTE = Symbol('remote presence')

function isPeer(origin: unknown): origin is Peer {
  return typeof origin === 'object' && origin !== null && 'presence' in origin
}

interface AwarenessChange {
  added: number[]
  updated: number[]
  removed: number[]
}
