import {
  type Decision,
  foldAll,
  type Profile,
  type PurposeCatalog,
  type PurposeState,
  readDecisions,
  readProfile,
} from '@consent-sync/consent-core'
import type * as Y from 'yjs'
import { createStore, type StoreApi } from 'zustand/vanilla'

/** What a person should see about the connection (DESIGN.md §9). */
export type SyncStatus = 'offline' | 'connecting' | 'syncing' | 'saved'

export interface PresenceEntry {
  clientId: number
  user: { id: string; role: string; name: string }
  editing: boolean
  self: boolean
}

/** Why the server refused this replica, with what the person can do about it. */
export interface SyncProblem {
  code: number
  /** For 4422: the rule broken (a RejectReason); otherwise a short kind. */
  reason: string
  message: string
}

export interface ConsentState {
  status: SyncStatus
  /** Local decisions the server has not yet acknowledged as durable. */
  pending: number
  /** Purposes with such a decision, sorted. */
  pendingPurposes: readonly string[]
  /** Local data (IndexedDB) loaded. */
  loaded: boolean
  /** Synced with the server at least once on this connection. */
  synced: boolean
  purposes: PurposeState[]
  /** Every decision, newest device time first (the history view). */
  history: Decision[]
  profile: Profile
  presence: PresenceEntry[]
  problem: SyncProblem | null
}

export function createConsentState(): StoreApi<ConsentState> {
  return createStore<ConsentState>()(() => ({
    status: 'connecting',
    pending: 0,
    pendingPurposes: [],
    loaded: false,
    synced: false,
    purposes: [],
    history: [],
    profile: {},
    presence: [],
    problem: null,
  }))
}

/**
 * Re-folds the document into the store, keeping unchanged purpose objects (and the arrays, when
 * nothing changed) so React selectors on one purpose do not re-render for another.
 */
export function refreshDocumentState(
  store: StoreApi<ConsentState>,
  doc: Y.Doc,
  catalog: PurposeCatalog,
): void {
  const prev = store.getState()
  const decisions = readDecisions(doc)
  const next = foldAll(decisions, catalog)
  let changed = next.length !== prev.purposes.length
  const purposes = next.map((p, i) => {
    const old = prev.purposes[i]
    if (old && JSON.stringify(old) === JSON.stringify(p)) return old
    changed = true
    return p
  })
  const history =
    decisions.length === prev.history.length
      ? prev.history
      : [...decisions].sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || (a.id < b.id ? 1 : -1))
  const profile = readProfile(doc)
  const sameProfile = JSON.stringify(profile) === JSON.stringify(prev.profile)
  store.setState({
    purposes: changed ? purposes : prev.purposes,
    history,
    profile: sameProfile ? prev.profile : profile,
  })
}
