import {
  type AuditEntry,
  acceptUpdate,
  type ChainHead,
  GENESIS,
  type PurposeCatalog,
  readDecisions,
  ShadowValidator,
} from '@consent-sync/consent-core'
import {
  CloseCode,
  closeReason,
  decodeAwarenessEntries,
  encodeAwareness,
  encodeAwarenessEntries,
  encodeDurable,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  parseMessage,
} from '@consent-sync/protocol'
import { type InPageConnection, inPageTransport, type Transport } from '@consent-sync/sync-client'
import { IndexeddbPersistence } from 'y-indexeddb'
import * as Y from 'yjs'
import { createStore, type StoreApi } from 'zustand/vanilla'
import { type Person, SIDES, type Side } from './people'
import { type KeyValueStore, PREFIX } from './storage'

export interface HubState {
  /** The customer's audit chain, oldest first. */
  entries: AuditEntry[]
}

export interface HubOptions {
  customerId: string
  /** The catalog to judge with at first; `setCatalog` replaces it (a version published on the page). */
  catalog: PurposeCatalog
  people: Readonly<Record<Side, Person>>
  storage: KeyValueStore
  /** Keep the hub's document in IndexedDB (`consent-sync-demo/hub`). */
  persist: boolean
  /** The receive time of an update (default: now). */
  now?: () => string
}

export interface Hub {
  readonly doc: Y.Doc
  readonly store: StoreApi<HubState>
  /** Resolves when the hub's document (IndexedDB) is loaded; connections wait for it. */
  readonly whenLoaded: Promise<void>
  /** How the replicas reach the hub: the real sync client over an in-page socket pair. */
  readonly transport: Transport
  /** Judges with a newer catalog from now on, as the server does after a publish. */
  setCatalog(catalog: PurposeCatalog): void
  destroy(): Promise<void>
}

export const HUB_DB = `${PREFIX}hub`
export const AUDIT_KEY = `${PREFIX}hub/audit`

/** The URL a replica opens; its token names the side, as a real token names the user. */
export const HUB_URL = 'inpage://demo/sync'

/** How often one connection is asked for the changes an update waits for (as the server, SPEC of the server). */
const MAX_RESYNCS = 3

function loadAudit(storage: KeyValueStore): AuditEntry[] {
  try {
    const parsed: unknown = JSON.parse(storage.get(AUDIT_KEY) ?? '[]')
    return Array.isArray(parsed) ? (parsed as AuditEntry[]) : []
  } catch {
    return []
  }
}

interface Session {
  connection: InPageConnection
  person: Person
  /** Presence client ids this connection speaks for. */
  owned: Set<number>
  /** Presence the hub sent this connection: client id → clock. A relay carries no later one. */
  heard: Map<number, number>
  resyncs: Map<string, number>
}

/**
 * The in-page stand-in for the server, speaking the same protocol to the same sync client: each
 * update goes through consent-core's `acceptUpdate` (the server's accept path) as the user of the
 * side it came from, is kept with its audit entries, applied, relayed and acknowledged as durable;
 * presence is stamped with the side's person and relayed. No network, no server.
 */
export function openHub(options: HubOptions): Hub {
  const { customerId, people, storage } = options
  let catalog = options.catalog
  const now = options.now ?? (() => new Date().toISOString())
  const doc = new Y.Doc()
  const validator = new ShadowValidator(doc)
  const persistence = options.persist ? new IndexeddbPersistence(HUB_DB, doc) : null
  const store = createStore<HubState>()(() => ({ entries: loadAudit(storage) }))
  const whenLoaded = persistence ? persistence.whenSynced.then(() => undefined) : Promise.resolve()
  const sessions = new Set<Session>()
  /** The present states by client id, for connections that join later. */
  const states = new Map<number, string>()
  /** The hub's clock of every client id it has seen; it only grows, so a returning client is seen again. */
  const clocks = new Map<number, number>()

  const head = (): ChainHead => {
    const last = store.getState().entries.at(-1)
    return last ? { seq: last.seq, hash: last.hash } : GENESIS
  }

  const sendPresence = (to: Session | 'others', from: Session | null, ids: readonly number[]) => {
    const entries = ids.map((id) => ({
      clientId: id,
      clock: clocks.get(id) ?? 0,
      json: states.get(id) ?? 'null',
    }))
    if (entries.length === 0) return
    const message = encodeAwareness(encodeAwarenessEntries(entries))
    for (const s of to === 'others' ? sessions : [to]) {
      if (s === from) continue
      for (const e of entries) s.heard.set(e.clientId, e.clock)
      s.connection.send(message)
    }
  }

  const receiveUpdate = (s: Session, update: Uint8Array) => {
    const result = acceptUpdate({
      validator,
      before: readDecisions(doc),
      head: head(),
      update,
      context: {
        customerId,
        user: s.person.user,
        receivedAt: now(),
        connectionId: `demo-${s.person.user.id}`,
      },
      catalog,
    })
    if (!result.ok) {
      const tries = s.resyncs.get(result.waitingFor ?? '') ?? 0
      if (result.reason === 'pending' && tries < MAX_RESYNCS) {
        // An edit sent before this side's step 2 arrived: ask for what it builds on.
        s.resyncs.set(result.waitingFor ?? '', tries + 1)
        return s.connection.send(encodeSyncStep1(Y.encodeStateVector(doc)))
      }
      return s.connection.close(CloseCode.Rejected, closeReason(`${result.reason}: ${result.detail}`))
    }
    if (result.changed) {
      if (result.entries.length > 0) {
        const all = [...store.getState().entries, ...result.entries]
        // Kept before the update is applied, as the server stores audit and update together.
        storage.set(AUDIT_KEY, JSON.stringify(all))
        store.setState({ entries: all })
      }
      Y.applyUpdate(doc, update, s)
      const relay = encodeSyncUpdate(update)
      for (const other of sessions) if (other !== s) other.connection.send(relay)
    }
    s.connection.send(encodeDurable(Y.encodeStateVector(doc)))
  }

  /** As the server does (protocol SPEC 4): a connection speaks only for its own ids; relays are dropped. */
  const speaksFor = (s: Session, id: number, clock: number, json: string): boolean => {
    if (s.owned.has(id)) return true
    if (json === 'null' || clock <= (s.heard.get(id) ?? -1)) return false
    return ![...sessions].some((o) => o !== s && o.owned.has(id))
  }

  const receivePresence = (s: Session, update: Uint8Array) => {
    const entries = decodeAwarenessEntries(update)
    if (entries === null)
      return s.connection.close(CloseCode.Malformed, 'malformed message: bad awareness update')
    const changed: number[] = []
    for (const e of entries) {
      if (!speaksFor(s, e.clientId, e.clock, e.json)) continue
      s.owned.add(e.clientId)
      const state: unknown = JSON.parse(e.json)
      if (state === null) states.delete(e.clientId)
      else
        states.set(
          e.clientId,
          JSON.stringify({ ...(state as object), user: { ...s.person.user, name: s.person.name } }),
        )
      clocks.set(e.clientId, Math.max(e.clock, (clocks.get(e.clientId) ?? -1) + 1))
      changed.push(e.clientId)
    }
    sendPresence('others', s, changed)
  }

  const leave = (s: Session) => {
    sessions.delete(s)
    const gone = [...s.owned].filter((id) => states.has(id))
    for (const id of gone) {
      states.delete(id)
      clocks.set(id, (clocks.get(id) ?? 0) + 1)
    }
    sendPresence('others', null, gone)
  }

  const serve = (connection: InPageConnection) => {
    const side = connection.url.searchParams.get('token') as Side | null
    if (side === null || !SIDES.includes(side))
      return connection.close(CloseCode.Unauthorized, 'unauthorized')
    if (connection.url.pathname !== `/sync/${customerId}`)
      return connection.close(CloseCode.NotFound, 'no such customer')
    const s: Session = {
      connection,
      person: people[side],
      owned: new Set(),
      heard: new Map(),
      resyncs: new Map(),
    }
    sessions.add(s)
    connection.onClose = () => leave(s)
    connection.onMessage = (bytes) => {
      const m = parseMessage(bytes)
      switch (m.kind) {
        case 'sync-step1':
          return connection.send(encodeSyncStep2(Y.encodeStateAsUpdate(doc, m.stateVector)))
        case 'sync-step2':
        case 'sync-update':
          return receiveUpdate(s, m.update)
        case 'awareness':
          return receivePresence(s, m.update)
        case 'query-awareness':
          return sendPresence(
            s,
            null,
            [...states.keys()].filter((id) => !s.owned.has(id)),
          )
        case 'auth':
        case 'refresh-token':
          return
        default:
          return connection.close(CloseCode.Malformed, 'malformed message')
      }
    }
    connection.send(encodeSyncStep1(Y.encodeStateVector(doc)))
    sendPresence(s, null, [...states.keys()])
  }

  return {
    doc,
    store,
    whenLoaded,
    // Nothing is judged before the hub's own copy is loaded.
    transport: inPageTransport((connection) => {
      const held: Uint8Array[] = []
      connection.onMessage = (bytes) => held.push(bytes)
      void whenLoaded.then(() => {
        serve(connection)
        for (const bytes of held.splice(0)) connection.onMessage?.(bytes)
      })
    }),
    setCatalog(next) {
      catalog = next
    },
    async destroy() {
      for (const s of [...sessions]) s.connection.close(CloseCode.Restarting, 'demo closed')
      validator.reset()
      await persistence?.destroy()
      doc.destroy()
    },
  }
}
