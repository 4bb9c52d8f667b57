import {
  type AuditEntry,
  auditEntriesFor,
  type ChainHead,
  chainAll,
  GENESIS,
  type PurposeCatalog,
  type RejectReason,
  readDecisions,
  ShadowValidator,
  sha256Hex,
} from '@consent-sync/consent-core'
import { IndexeddbPersistence } from 'y-indexeddb'
import * as Y from 'yjs'
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { Person, Side } from './people'
import { type KeyValueStore, PREFIX } from './storage'

/** Who has the record open through the hub (the awareness of the real server, in miniature). */
export interface HubPresence {
  user: { id: string; role: string; name: string }
  editing: boolean
}

export interface HubState {
  /** The customer's audit chain, oldest first. */
  entries: AuditEntry[]
  presence: Partial<Record<Side, HubPresence>>
}

/** The hub's answer to an update: accepted (with the audit entries it chained) or refused with the rule. */
export type Judgement =
  | { ok: true; entries: AuditEntry[] }
  | { ok: false; reason: RejectReason; detail: string }

export interface HubOptions {
  customerId: string
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
  /** Resolves when the hub's document (IndexedDB) is loaded: judge nothing before. */
  readonly whenLoaded: Promise<void>
  /** Judges, audits, applies and relays one replica's update, like the server's pipeline (DESIGN.md §2). */
  receive(from: Side, update: Uint8Array): Judgement
  /** The hub's state vector: what is durable here. */
  stateVector(): Uint8Array
  /** The part of the hub's document that a replica holding `stateVector` lacks. */
  missingFor(stateVector: Uint8Array): Uint8Array
  /** Called with every accepted update that changed the document, for relaying to the other replica. */
  onAccepted(listener: (update: Uint8Array, from: Side) => void): () => void
  setPresence(side: Side, presence: HubPresence | null): void
  destroy(): Promise<void>
}

export const HUB_DB = `${PREFIX}hub`
export const AUDIT_KEY = `${PREFIX}hub/audit`

function loadAudit(storage: KeyValueStore): AuditEntry[] {
  try {
    const parsed: unknown = JSON.parse(storage.get(AUDIT_KEY) ?? '[]')
    return Array.isArray(parsed) ? (parsed as AuditEntry[]) : []
  } catch {
    return []
  }
}

/**
 * The in-page stand-in for the server: one Y.Doc, one shadow validator judging each update as the
 * user of the replica it came from, an audit chain per accepted decision, relay to the other side.
 */
export function openHub(options: HubOptions): Hub {
  const { customerId, catalog, people, storage } = options
  const now = options.now ?? (() => new Date().toISOString())
  const doc = new Y.Doc()
  // One validator for the document, the user given per update: its shadow follows every accepted update.
  const validator = new ShadowValidator(doc)
  const persistence = options.persist ? new IndexeddbPersistence(HUB_DB, doc) : null
  const store = createStore<HubState>()(() => ({ entries: loadAudit(storage), presence: {} }))
  const listeners = new Set<(update: Uint8Array, from: Side) => void>()
  const whenLoaded = persistence ? persistence.whenSynced.then(() => undefined) : Promise.resolve()

  const head = (): ChainHead => {
    const last = store.getState().entries.at(-1)
    return last ? { seq: last.seq, hash: last.hash } : GENESIS
  }

  return {
    doc,
    store,
    whenLoaded,
    receive(from, update) {
      const user = people[from].user
      const verdict = validator.validate(update, user, catalog)
      if (!verdict.ok) return { ok: false, reason: verdict.reason, detail: verdict.detail }
      if (!verdict.changed) return { ok: true, entries: [] }
      const records = auditEntriesFor(
        readDecisions(doc),
        verdict.added,
        {
          customerId,
          receivedAt: now(),
          connectionId: `demo-${from}`,
          updateHash: sha256Hex(update),
          user: { id: user.id, role: user.role },
        },
        catalog,
      )
      const entries = chainAll(head(), records)
      if (entries.length > 0) {
        const all = [...store.getState().entries, ...entries]
        // Kept before the update is applied, as the server persists audit and update together.
        storage.set(AUDIT_KEY, JSON.stringify(all))
        store.setState({ entries: all })
      }
      Y.applyUpdate(doc, update, from)
      for (const listener of listeners) listener(update, from)
      return { ok: true, entries }
    },
    stateVector: () => Y.encodeStateVector(doc),
    missingFor: (stateVector) => Y.encodeStateAsUpdate(doc, stateVector),
    onAccepted(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    setPresence(side, presence) {
      const current = store.getState().presence
      const before = current[side]
      if (
        before?.editing === presence?.editing &&
        before?.user.id === presence?.user.id &&
        (before === undefined) === (presence === null)
      )
        return
      const next = { ...current }
      if (presence) next[side] = presence
      else delete next[side]
      store.setState({ presence: next })
    },
    async destroy() {
      listeners.clear()
      validator.reset()
      await persistence?.destroy()
      doc.destroy()
    },
  }
}
