import type { PurposeCatalog } from '@consent-sync/consent-core'
import { type ConsentHandle, openConsentDoc } from '@consent-sync/sync-client'
import { createStore, type StoreApi } from 'zustand/vanilla'
import { HUB_URL, type Hub } from './hub'
import type { Person, Side } from './people'
import { type KeyValueStore, PREFIX } from './storage'

export interface ReplicaOptions {
  side: Side
  person: Person
  customerId: string
  catalog: PurposeCatalog
  hub: Hub
  storage: KeyValueStore
  /** Keep the replica in IndexedDB (`consent-sync-demo/<side>`). */
  persist: boolean
}

/**
 * One person's copy of the document: the real sync client (`openConsentDoc`), connected to the
 * hub through the in-page transport instead of a WebSocket, plus the demo's offline switch.
 */
export interface Replica extends ConsentHandle {
  readonly side: Side
  readonly person: Person
  /** The "Offline" switch: off means this side's edits stay local. */
  readonly link: StoreApi<LinkState>
  setOnline(online: boolean): void
}

export interface LinkState {
  online: boolean
  /** Purposes with a decision the hub does not hold yet ("waiting to sync" on the row). */
  waiting: readonly string[]
}

export function replicaDb(side: Side): string {
  return `${PREFIX}${side}`
}

export function openReplica(options: ReplicaOptions): Replica {
  const { side, person, customerId, catalog, hub, storage } = options
  const switchKey = `${PREFIX}${side}/online`
  const online = storage.get(switchKey) !== 'off'
  const handle = openConsentDoc(customerId, {
    url: HUB_URL,
    token: side,
    actor: { id: person.user.id, role: person.user.role },
    name: person.name,
    catalog,
    persist: options.persist,
    dbName: replicaDb(side),
    transport: hub.transport,
    connect: online,
  })
  const link = createStore<LinkState>()(() => ({ online, waiting: handle.store.getState().pendingPurposes }))
  const unsubscribe = handle.store.subscribe((s, prev) => {
    if (s.pendingPurposes !== prev.pendingPurposes) link.setState({ waiting: s.pendingPurposes })
  })
  const setOnline = (next: boolean) => {
    if (link.getState().online === next) return
    link.setState({ online: next })
    storage.set(switchKey, next ? 'on' : 'off')
    if (next) handle.goOnline()
    else handle.goOffline()
  }
  return {
    side,
    person,
    link,
    setOnline,
    customerId,
    get doc() {
      return handle.doc
    },
    store: handle.store,
    get whenLoaded() {
      return handle.whenLoaded
    },
    decide: (input) => handle.decide(input),
    setProfile: (key, value) => handle.setProfile(key, value),
    setCatalog: (next) => handle.setCatalog(next),
    setEditing: (editing) => handle.setEditing(editing),
    goOffline: () => setOnline(false),
    goOnline: () => setOnline(true),
    discardLocalChanges: () => handle.discardLocalChanges(),
    async destroy() {
      unsubscribe()
      await handle.destroy()
    },
  }
}

/** Deletes one IndexedDB database (after its connections are closed). */
export function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name)
    request.onsuccess = () => resolve()
    request.onerror = () => reject(request.error)
  })
}
