import { decide, findPurpose, setProfile } from '@consent-sync/consent-core'
import {
  CloseCode,
  encodeRefreshToken,
  isPermanentClose,
  MessageType,
  readDurable,
} from '@consent-sync/protocol'
import { IndexeddbPersistence } from 'y-indexeddb'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { backoffDelay } from './backoff'
import type { ConsentHandle, OpenOptions } from './handle'
import { allDurable, countPendingDecisions, mergeDurable, pendingPurposes } from './pending'
import { forgetRemovedPresence, presenceOf } from './presence'
import { problemOf } from './problem'
import { createConsentState, refreshDocumentState } from './state'
import { refreshDelay } from './token'
import { webSocketTransport } from './transport'

/**
 * Opens a customer's consent document: IndexedDB for offline work, the y-websocket provider for
 * sync, and a zustand store with the folded state, status, pending count and presence (DESIGN.md §9).
 */
export function openConsentDoc(customerId: string, options: OpenOptions): ConsentHandle {
  const store = createConsentState()
  const transport = options.transport ?? webSocketTransport()
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
  let catalog = options.catalog

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
    const purposes = pendingPurposes(doc, durable)
    const same = purposes.join() === store.getState().pendingPurposes.join()
    store.setState({ pending, status, ...(same ? {} : { pendingPurposes: purposes }) })
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
    ws.send(encodeRefreshToken(token))
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
    store.setState({ problem: problemOf(code, reason) })
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
      refreshDocumentState(store, doc, catalog)
      recompute()
    })()
    provider = new WebsocketProvider(options.url, customerId, doc, {
      connect: false,
      params: { token },
      WebSocketPolyfill: transport.Socket as unknown as typeof WebSocket,
      // Reconnection is ours: backoff with jitter, token refresh on 4401, no retry after a rejection.
      shouldReconnect: () => false,
      // Tabs sync through the server only: what arrives through the provider is then durable.
      disableBc: true,
    })
    provider.messageHandlers[MessageType.Durable] = (_encoder, decoder) => {
      onDurable(readDurable(decoder))
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
    provider.awareness.on('change', () =>
      store.setState({ presence: presenceOf(provider.awareness, doc.clientID) }),
    )
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      // The server broadcasts only durable updates: what it sends counts as saved as it lands.
      if (origin === provider && mergeDurable(durable, Y.parseUpdateMeta(update).to)) persistDurable()
      refreshDocumentState(store, doc, catalog)
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
      const noticeVersion = input.noticeVersion ?? findPurpose(catalog, input.purposeId)?.version
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
        catalog,
      )
    },
    setCatalog(next) {
      if (next === catalog) return
      catalog = next
      refreshDocumentState(store, doc, catalog)
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
      store.setState({ problem: null, synced: false, pending: 0, pendingPurposes: [] })
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
