import type {
  Actor,
  Channel,
  Decision,
  DecisionState,
  PROFILE_FIELDS,
  ProfileKey,
  PurposeCatalog,
} from '@consent-sync/consent-core'
import type * as Y from 'yjs'
import type { StoreApi } from 'zustand/vanilla'
import type { ConsentState } from './state'
import type { Transport } from './transport'

/** What `openConsentDoc` takes and gives (DESIGN.md §9). */

export interface OpenOptions {
  /** The sync endpoint, e.g. `ws://127.0.0.1:3001/sync`. */
  url: string
  /** A token to start with; `getToken` is asked for fresh ones before expiry and after a 4401. */
  token?: string
  getToken?: () => Promise<string>
  /** Who decides through this handle (from the signed-in user). */
  actor: Actor
  /** Display name for presence. */
  name: string
  /** The catalog to start with; `setCatalog` replaces it. */
  catalog: PurposeCatalog
  /** Keep the document in IndexedDB so it works offline and survives reloads (default: when available). */
  persist?: boolean
  /** How to reach the server: WebSockets by default (the global one; in Node pass `webSocketTransport(ws)`), or `inPageTransport(…)`. */
  transport?: Transport
  /** Connect at once (default true). */
  connect?: boolean
  /** IndexedDB database name (default `consent-sync/<actor id>/<customer id>`). */
  dbName?: string
}

export interface DecisionInput {
  purposeId: string
  state: DecisionState
  channel: Channel
  /** Defaults to the catalog's current version of the purpose's notice. */
  noticeVersion?: string
  evidence?: string
}

export interface ConsentHandle {
  readonly customerId: string
  /** The current replica; replaced by `discardLocalChanges`. */
  readonly doc: Y.Doc
  readonly store: StoreApi<ConsentState>
  /** Resolves when the local copy (IndexedDB) is loaded. */
  readonly whenLoaded: Promise<void>
  decide(input: DecisionInput): Decision
  setProfile<K extends ProfileKey>(key: K, value: (typeof PROFILE_FIELDS)[K][number]): void
  /**
   * A newer catalog (a publish while the page is open): the state is folded again under it and
   * decisions default to its versions. The document stays open.
   */
  setCatalog(catalog: PurposeCatalog): void
  /** Presence: whether this person is editing right now. */
  setEditing(editing: boolean): void
  /** Stops syncing (an "offline" switch); local edits go on and are kept. */
  goOffline(): void
  goOnline(): void
  /** After a rejection: drop what this device holds and load the server's copy afresh. */
  discardLocalChanges(): Promise<void>
  destroy(): Promise<void>
}
