import {
  type Actor,
  type Channel,
  CloseCode,
  type Decision,
  type DecisionState,
  decide,
  findPurpose,
  isPermanentClose,
  MessageType,
  type PROFILE_FIELDS,
  type ProfileKey,
  type PurposeCatalog,
  setProfile,
} from '@consent-sync/consent-core'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { IndexeddbPersistence } from 'y-indexeddb'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import type { StoreApi } from 'zustand/vanilla'
import { backoffDelay } from './backoff'
import { allDurable, countPendingDecisions, mergeDurable } from './pending'
import { type ConsentState, createConsentState, type PresenceEntry, refreshDocumentState } from './state'
import { refreshDelay } from './token'

/**
 * On disconnect the provider removes everyone else's presence, recording their clocks one past
 * what they announced; forgetting those records lets the same states count again on reconnect.
 */
function forgetRemovedPresence(awareness: WebsocketProvider['awareness'], self: number): void {
  for (const clientId of [...awareness.meta.keys()]) {
    if (clientId !== self && !awareness.getStates().has(clientId)) awareness.meta.delete(clientId)
  }
}

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
  catalog: PurposeCatalog
  /** Keep the document in IndexedDB so it works offline and survives reloads (default: when available). */
  persist?: boolean
  /** A WebSocket implementation where the global one is missing (Node). */
  WebSocketPolyfill?: unknown
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
  /** Presence: whether this person is editing right now. */
  setEditing(editing: boolean): void
  /** Stops syncing (an "offline" switch); local edits go on and are kept. */
  goOffline(): void
  goOnline(): void
  /** After a rejection: drop what this device holds and load the server's copy afresh. */
  discardLocalChanges(): Promise<void>
  destroy(): Promise<void>
}

const PROBLEM_MESSAGES: Record<number, string> = {
  [CloseCode.Unauthorized]: 'Your session has ended. Sign in again; your changes are kept on this device.',
  [CloseCode.Forbidden]: 'You may not open this record.',
  [CloseCode.NotFound]: 'There is no such customer.',
  [CloseCode.TooLarge]: 'A change was too large to send.',
  [CloseCode.Malformed]: 'The server could not read a message from this device.',
}

/**
 * Opens a customer's consent document: IndexedDB for offline work, the y-websocket provider for
 * sync, and a zustand store with the folded state, status, pending count and presence (DESIGN.md §9).
 */
export function openConsentDoc(customerId: string, options: OpenOptions): ConsentHandle {
  const store = createConsentState()
  const durable = new Map<number, number>()
  const persist = options.persist ?? typeof indexedDB !== 'undefined'
  const dbName = options.dbName ?? `consent-sync/${options.actor.id}/${customerId}`
  let token = options.token ?? ''
  let wsStatus: 'connected' | 'connecting' | 'disconnected' = 'disconnected'
  let offline = options.connect === false
  let attempts = 0
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined
  let refreshTimer: ReturnType<typeof setTimeout> | undefined
  let destroyed = false
  let refreshedAfter4401 = false

  let doc!: Y.Doc
  let persistence: IndexeddbPersistence | null = null
  let provider!: WebsocketProvider
  let whenLoaded!: Promise<void>

  const recompute = () => {
    const sv = Y.decodeStateVector(Y.encodeStateVector(doc))
    const pending = countPendingDecisions(doc, durable)
    const saved = allDurable(sv, durable)
    const { synced } = store.getState()
    const status =
      offline || wsStatus === 'disconnected'
        ? 'offline'
        : wsStatus === 'connecting'
          ? 'connecting'
          : synced && saved
            ? 'saved'
            : 'syncing'
    store.setState({ pending, status })
  }

  const persistDurable = () => {
    const bytes = Y.encodeStateVector(durable)
    persistence?.set(
      'durable',
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    )
  }

  const onDurable = (sv: Map<number, number>) => {
    if (mergeDurable(durable, sv)) persistDurable()
    recompute()
  }

  const presenceOf = (): PresenceEntry[] => {
    const out: PresenceEntry[] = []
    for (const [clientId, state] of provider.awareness.getStates()) {
      const user = (state as { user?: PresenceEntry['user'] }).user
      if (!user) continue
      out.push({
        clientId,
        user,
        editing: Boolean((state as { editing?: unknown }).editing),
        self: clientId === doc.clientID,
      })
    }
    return out
  }

  const scheduleReconnect = () => {
    clearTimeout(reconnectTimer)
    if (offline || destroyed) return
    reconnectTimer = setTimeout(() => provider.connect(), backoffDelay(attempts++))
  }

  const scheduleRefresh = () => {
    clearTimeout(refreshTimer)
    if (!options.getToken || !token) return
    const delay = refreshDelay(token)
    if (delay === undefined) return
    refreshTimer = setTimeout(() => void refreshToken(), delay)
  }

  /** Hands the open connection the current token, so it closes at that token's expiry. */
  const sendToken = () => {
    const ws = provider.ws
    if (!provider.wsconnected || !ws || !token) return
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MessageType.RefreshToken)
    encoding.writeVarString(e, token)
    ws.send(encoding.toUint8Array(e))
  }

  const refreshToken = async (): Promise<boolean> => {
    if (!options.getToken) return false
    try {
      token = await options.getToken()
    } catch {
      return false
    }
    provider.params.token = token
    sendToken()
    scheduleRefresh()
    return true
  }

  const onClosed = async ({ code, reason }: { code: number; reason: string }) => {
    if (destroyed) return
    if (!isPermanentClose(code)) return scheduleReconnect()
    if (code === CloseCode.Unauthorized && !refreshedAfter4401 && (await refreshToken())) {
      refreshedAfter4401 = true
      return provider.connect()
    }
    const rule = code === CloseCode.Rejected ? (reason.split(':')[0] ?? 'rejected') : 'refused'
    const message =
      code === CloseCode.Rejected
        ? `The server refused a change from this device (${reason}). Discard this device's unsaved changes to go on.`
        : (PROBLEM_MESSAGES[code] ?? `The server closed the connection: ${reason || code}.`)
    store.setState({ problem: { code, reason: rule, message } })
    recompute()
  }

  const start = () => {
    doc = new Y.Doc()
    durable.clear()
    persistence = persist ? new IndexeddbPersistence(dbName, doc) : null
    whenLoaded = (async () => {
      if (persistence) {
        await persistence.whenSynced
        const saved: unknown = await persistence.get('durable')
        if (saved instanceof ArrayBuffer || saved instanceof Uint8Array) {
          mergeDurable(durable, Y.decodeStateVector(new Uint8Array(saved)))
        }
      }
      store.setState({ loaded: true })
      refreshDocumentState(store, doc, options.catalog)
      recompute()
    })()
    provider = new WebsocketProvider(options.url, customerId, doc, {
      connect: false,
      params: { token },
      ...(options.WebSocketPolyfill
        ? { WebSocketPolyfill: options.WebSocketPolyfill as typeof WebSocket }
        : {}),
      // Reconnection is ours: backoff with jitter, token refresh on 4401, no retry after a rejection.
      shouldReconnect: () => false,
      // Tabs sync through the server only: what arrives through the provider is then durable.
      disableBc: true,
    })
    provider.messageHandlers[MessageType.Durable] = (_encoder, decoder) => {
      onDurable(Y.decodeStateVector(decoding.readVarUint8Array(decoder)))
    }
    provider.awareness.setLocalState({
      user: { id: options.actor.id, role: options.actor.role, name: options.name },
      editing: false,
    })
    provider.on('status', ({ status }) => {
      wsStatus = status
      if (status !== 'connected') store.setState({ synced: false })
      if (status === 'disconnected') forgetRemovedPresence(provider.awareness, doc.clientID)
      // A refresh while the socket was opening only reached the URL of the next connection.
      if (status === 'connected' && options.getToken) sendToken()
      recompute()
    })
    provider.on('sync', (synced: boolean) => {
      if (synced) {
        attempts = 0
        refreshedAfter4401 = false
      }
      store.setState({ synced })
      recompute()
    })
    provider.on('closed', (event) => void onClosed(event))
    provider.on('connection-close', (event) => {
      // A close before the socket opened (server down) never reaches shouldReconnect's terminal path.
      if (event === null && !offline && !destroyed) scheduleReconnect()
    })
    provider.awareness.on('change', () => store.setState({ presence: presenceOf() }))
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      // The server broadcasts only durable updates: what it sends counts as saved as it lands.
      if (origin === provider && mergeDurable(durable, Y.parseUpdateMeta(update).to)) persistDurable()
      refreshDocumentState(store, doc, options.catalog)
      recompute()
    })
    whenLoaded.then(() => {
      if (!offline && !destroyed) provider.connect()
    })
    scheduleRefresh()
  }

  const stop = async () => {
    clearTimeout(reconnectTimer)
    clearTimeout(refreshTimer)
    provider.awareness.setLocalState(null)
    provider.destroy()
    await persistence?.destroy()
    doc.destroy()
  }

  start()

  const onBrowserOnline = () => {
    if (!offline && !provider.wsconnected && !provider.wsconnecting) {
      attempts = 0
      provider.connect()
    }
  }
  globalThis.addEventListener?.('online', onBrowserOnline)

  return {
    customerId,
    get doc() {
      return doc
    },
    store,
    get whenLoaded() {
      return whenLoaded
    },
    decide(input) {
      const noticeVersion = input.noticeVersion ?? findPurpose(options.catalog, input.purposeId)?.version
      if (noticeVersion === undefined) throw new Error(`unknown purpose ${input.purposeId}`)
      return decide(
        doc,
        {
          purposeId: input.purposeId,
          state: input.state,
          actor: options.actor,
          channel: input.channel,
          noticeVersion,
          ...(input.evidence !== undefined ? { evidence: input.evidence } : {}),
        },
        options.catalog,
      )
    },
    setProfile(key, value) {
      setProfile(doc, key, value)
    },
    setEditing(editing) {
      const current = provider.awareness.getLocalState() ?? {}
      provider.awareness.setLocalState({ ...current, editing })
    },
    goOffline() {
      offline = true
      clearTimeout(reconnectTimer)
      provider.disconnect()
      recompute()
    },
    goOnline() {
      offline = false
      attempts = 0
      store.setState({ problem: null })
      provider.connect()
      recompute()
    },
    async discardLocalChanges() {
      await stop()
      if (persist) await new IndexeddbPersistence(dbName, new Y.Doc()).clearData()
      store.setState({ problem: null, synced: false, pending: 0 })
      start()
      await whenLoaded
    },
    async destroy() {
      destroyed = true
      globalThis.removeEventListener?.('online', onBrowserOnline)
      await stop()
    },
  }
}
