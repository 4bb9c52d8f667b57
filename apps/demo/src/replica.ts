import {
  CloseCode,
  type Decision,
  decide,
  decisionsOf,
  findPurpose,
  type PurposeCatalog,
  setProfile,
} from '@consent-sync/consent-core'
import {
  allDurable,
  type ConsentHandle,
  countPendingDecisions,
  createConsentState,
  mergeDurable,
  type PresenceEntry,
  refreshDocumentState,
} from '@consent-sync/sync-client'
import { IndexeddbPersistence } from 'y-indexeddb'
import * as Y from 'yjs'
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { Hub, HubState } from './hub'
import { type Person, SIDES, type Side } from './people'
import { type KeyValueStore, PREFIX, vectorFromJson, vectorToJson } from './storage'

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
 * One person's copy of the document, linked to the hub instead of a socket. It is a
 * `ConsentHandle` (the shape the real apps get from `openConsentDoc`), plus the offline switch.
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
  const key = (name: string) => `${PREFIX}${side}/${name}`
  const store = createConsentState()
  const link = createStore<LinkState>()(() => ({ online: storage.get(key('online')) !== 'off', waiting: [] }))
  // What the hub has confirmed it holds (its state vector at the last exchange): pending = not covered.
  const durable = vectorFromJson(storage.get(key('durable')))
  let editing = false
  let destroyed = false
  let doc!: Y.Doc
  let persistence: IndexeddbPersistence | null = null
  let whenLoaded!: Promise<void>

  const connected = () => {
    const s = store.getState()
    return !destroyed && link.getState().online && s.loaded && s.problem === null
  }

  const recompute = () => {
    const { loaded, problem } = store.getState()
    const sv = Y.decodeStateVector(Y.encodeStateVector(doc))
    const status =
      !link.getState().online || problem
        ? 'offline'
        : !loaded
          ? 'connecting'
          : allDurable(sv, durable)
            ? 'saved'
            : 'syncing'
    store.setState({ pending: countPendingDecisions(doc, durable), status, synced: connected() })
    const waiting = waitingPurposes(doc, durable)
    if (waiting.join() !== link.getState().waiting.join()) link.setState({ waiting })
  }

  const learnDurable = () => {
    if (mergeDurable(durable, Y.decodeStateVector(hub.stateVector())))
      storage.set(key('durable'), vectorToJson(durable))
  }

  const presenceOf = (hubState: HubState): PresenceEntry[] => {
    const self: PresenceEntry = {
      clientId: doc.clientID,
      user: { id: person.user.id, role: person.user.role, name: person.name },
      editing,
      self: true,
    }
    if (!connected()) return [self]
    const others: PresenceEntry[] = []
    for (const s of SIDES) {
      const p = hubState.presence[s]
      // A stand-in awareness client id per side: the real one is per connection.
      if (s !== side && p)
        others.push({ clientId: SIDES.indexOf(s) + 1, user: p.user, editing: p.editing, self: false })
    }
    return [self, ...others]
  }

  const publishPresence = () => {
    hub.setPresence(
      side,
      connected()
        ? { user: { id: person.user.id, role: person.user.role, name: person.name }, editing }
        : null,
    )
    store.setState({ presence: presenceOf(hub.store.getState()) })
  }

  /** Sends to the hub; a refusal stops this side, as a 4422 close stops the real client. */
  const send = (update: Uint8Array): boolean => {
    const verdict = hub.receive(side, update)
    if (verdict.ok) {
      learnDurable()
      return true
    }
    store.setState({
      problem: {
        code: CloseCode.Rejected,
        reason: verdict.reason,
        message: `The hub refused a change from this device (${verdict.reason}: ${verdict.detail}). Discard this device's unsaved changes to go on.`,
      },
    })
    publishPresence()
    return false
  }

  /** Back online: what the hub lacks goes up (and is judged), what this side lacks comes down. */
  const exchange = () => {
    if (!connected()) return
    if (send(Y.encodeStateAsUpdate(doc, hub.stateVector()))) {
      Y.applyUpdate(doc, hub.missingFor(Y.encodeStateVector(doc)), hub)
      learnDurable()
    }
    publishPresence()
    recompute()
  }

  const onUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === hub) learnDurable()
    else if (connected()) send(update)
    refreshDocumentState(store, doc, catalog)
    recompute()
  }

  const offAccepted = hub.onAccepted((update, from) => {
    if (from !== side && connected()) Y.applyUpdate(doc, update, hub)
  })
  const offHub = hub.store.subscribe((s, prev) => {
    if (s.presence !== prev.presence) store.setState({ presence: presenceOf(s) })
  })

  const start = () => {
    doc = new Y.Doc()
    persistence = options.persist ? new IndexeddbPersistence(replicaDb(side), doc) : null
    doc.on('update', onUpdate)
    whenLoaded = (async () => {
      await Promise.all([persistence?.whenSynced, hub.whenLoaded])
      if (destroyed) return
      store.setState({ loaded: true })
      refreshDocumentState(store, doc, catalog)
      recompute()
      exchange()
      publishPresence()
    })()
  }

  const stop = async () => {
    doc.off('update', onUpdate)
    await persistence?.destroy()
    doc.destroy()
  }

  start()

  return {
    side,
    person,
    customerId,
    link,
    get doc() {
      return doc
    },
    store,
    get whenLoaded() {
      return whenLoaded
    },
    decide(input) {
      const noticeVersion = input.noticeVersion ?? findPurpose(catalog, input.purposeId)?.version
      if (noticeVersion === undefined) throw new Error(`unknown purpose ${input.purposeId}`)
      return decide(
        doc,
        {
          purposeId: input.purposeId,
          state: input.state,
          actor: { id: person.user.id, role: person.user.role },
          channel: input.channel,
          noticeVersion,
          ...(input.evidence !== undefined ? { evidence: input.evidence } : {}),
        },
        catalog,
      )
    },
    setProfile(name, value) {
      setProfile(doc, name, value)
    },
    setEditing(next) {
      if (editing === next) return
      editing = next
      publishPresence()
    },
    setOnline(online) {
      if (link.getState().online === online) return
      link.setState({ online })
      storage.set(key('online'), online ? 'on' : 'off')
      // As the real client: going online again retries, and is refused again if nothing changed.
      if (online) store.setState({ problem: null })
      exchange()
      publishPresence()
      recompute()
    },
    goOffline() {
      this.setOnline(false)
    },
    goOnline() {
      this.setOnline(true)
    },
    async discardLocalChanges() {
      await stop()
      if (options.persist) await deleteDatabase(replicaDb(side))
      store.setState({ problem: null, loaded: false, pending: 0 })
      start()
      await whenLoaded
    },
    async destroy() {
      destroyed = true
      offAccepted()
      offHub()
      hub.setPresence(side, null)
      await stop()
    },
  }
}

/** Purposes of the decisions whose Yjs item the durable state vector does not cover (cf. countPendingDecisions). */
export function waitingPurposes(doc: Y.Doc, durable: ReadonlyMap<number, number>): string[] {
  const out = new Set<string>()
  let item = decisionsOf(doc)._start
  while (item !== null) {
    if (!item.deleted && item.countable && item.id.clock + item.length > (durable.get(item.id.client) ?? 0)) {
      const covered = (durable.get(item.id.client) ?? 0) - item.id.clock
      const decisions = item.content.getContent() as Decision[]
      for (const d of decisions.slice(Math.max(0, covered))) out.add(d.purposeId)
    }
    item = item.right
  }
  return [...out].sort()
}

/** Deletes one IndexedDB database (after its connections are closed). */
export function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name)
    request.onsuccess = () => resolve()
    request.onerror = () => reject(request.error)
  })
}
