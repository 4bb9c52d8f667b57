import { type Decision, readDecisions } from '@consent-sync/consent-core'
import {
  decodeStateVector,
  encodeSyncStep1,
  encodeSyncUpdate,
  MessageType,
  type Parsed,
  parseMessage,
  type StateVector,
} from '@consent-sync/protocol'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { encodeStateAsUpdate, encodeStateVector } from 'yjs'
import { until } from './until'

/** The stock y-websocket client, in Node. */
export function stockClient(
  syncUrl: string,
  customerId: string,
  token: string,
  doc = new Y.Doc(),
  { acks = false }: { acks?: boolean } = {},
) {
  const provider = new WebsocketProvider(syncUrl, customerId, doc, {
    // biome-ignore lint/suspicious/noExplicitAny: the ws package stands in for the browser's WebSocket.
    WebSocketPolyfill: WebSocket as any,
    // A stock client logs "Unable to compute message" for each ack it ignores; most tests opt out.
    params: acks ? { token } : { token, ack: '0' },
    disableBc: true,
  })
  const closes: { code: number; reason: string }[] = []
  provider.on('connection-close', (event) => {
    if (event) closes.push({ code: event.code, reason: event.reason })
  })
  const synced = () => until(() => provider.synced, 5000, 'provider synced')
  return {
    doc,
    provider,
    closes,
    synced,
    destroy() {
      provider.destroy()
      doc.destroy()
    },
  }
}

/**
 * A stock provider that behaves like a page of ours (a presence state with who it is) and counts
 * what a person would feel: connections opened, closes by code, presence messages received.
 */
export function presenceProbe(
  syncUrl: string,
  customerId: string,
  token: string,
  user: { id: string; role: string; name: string },
) {
  const client = stockClient(syncUrl, customerId, token)
  const { provider } = client
  let opened = 0
  let presenceMessages = 0
  let destroyed = false
  provider.on('status', ({ status }) => {
    if (status === 'connected') opened++
  })
  const relay = provider.messageHandlers[MessageType.Awareness]
  provider.messageHandlers[MessageType.Awareness] = (...args) => {
    presenceMessages++
    relay?.(...args)
  }
  provider.awareness.setLocalState({ user, editing: false })
  return {
    provider,
    user,
    closes: client.closes,
    synced: client.synced,
    get clientId() {
      return client.doc.clientID
    },
    get opened() {
      return opened
    },
    get presenceMessages() {
      return presenceMessages
    },
    get destroyed() {
      return destroyed
    },
    /** Whether this client shows `clientId` as present, labelled with `userId`. */
    sees(clientId: number, userId: string): boolean {
      const state = provider.awareness.getStates().get(clientId) as { user?: { id?: string } } | undefined
      return state?.user?.id === userId
    },
    /** Client ids of the others this client shows as present. */
    remoteIds(): number[] {
      return [...provider.awareness.getStates().keys()].filter((id) => id !== client.doc.clientID)
    },
    destroy() {
      if (destroyed) return
      destroyed = true
      client.destroy()
    },
  }
}

export type PresenceProbe = ReturnType<typeof presenceProbe>

/** A raw WebSocket speaking the protocol by hand, recording every frame and the close. */
export async function rawClient(url: string) {
  const ws = new WebSocket(url)
  ws.binaryType = 'arraybuffer'
  const frames: Uint8Array[] = []
  let closed: { code: number; reason: string } | null = null
  ws.on('message', (data: ArrayBuffer) => frames.push(new Uint8Array(data)))
  ws.on('close', (code, reason) => {
    closed = { code, reason: reason.toString() }
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  return {
    ws,
    frames,
    get closed() {
      return closed
    },
    send(bytes: Uint8Array) {
      ws.send(bytes)
    },
    waitClosed: () => until(() => closed, 5000, 'connection closed'),
    /** Every message received, read by the protocol's parser. */
    messages(): Parsed[] {
      return frames.map(parseMessage)
    },
    /** How many messages of `kind` were received. */
    count(kind: Parsed['kind']): number {
      return frames.filter((f) => parseMessage(f).kind === kind).length
    },
    /** Durable state vectors received (message type 100). */
    durable(): StateVector[] {
      return frames.flatMap((f) => {
        const m = parseMessage(f)
        return m.kind === 'durable' ? [decodeStateVector(m.stateVector)] : []
      })
    },
    close() {
      ws.close()
    },
  }
}

/** Sends a doc's whole state as one sync update and step 1, as a client would after connecting. */
export function sendDoc(client: { send(b: Uint8Array): void }, doc: Y.Doc) {
  client.send(encodeSyncStep1(encodeStateVector(doc)))
  client.send(encodeSyncUpdate(encodeStateAsUpdate(doc)))
}

/**
 * Records the durable acks (message type 100) a stock client receives, which it would otherwise
 * ignore; `saved()` is the "saved" of DESIGN.md §5: an ack covers the doc's own clientID clock.
 */
export function trackDurable(provider: WebsocketProvider) {
  const acks: StateVector[] = []
  provider.messageHandlers[MessageType.Durable] = (_encoder, decoder) => {
    // The handler's decoder holds the whole frame: the protocol's parser reads it.
    const message = parseMessage(decoder.arr)
    decoder.pos = decoder.arr.length
    if (message.kind === 'durable') acks.push(decodeStateVector(message.stateVector))
  }
  const covers = (sv: StateVector) => {
    const doc = provider.doc
    return (sv.get(doc.clientID) ?? 0) >= Y.getState(doc.store, doc.clientID)
  }
  return {
    acks,
    saved: () => acks.some(covers),
  }
}

/**
 * Asks the server for the whole document (sync step 1 with an empty state vector) and waits for
 * its step 2. Frames are ordered per connection, so everything the server sent this connection
 * before has arrived by then. Returns the server's decisions as that step 2 carries them.
 */
export async function roundTrip(client: Awaited<ReturnType<typeof rawClient>>): Promise<Decision[]> {
  const seen = client.frames.length
  client.send(encodeSyncStep1(encodeStateVector(new Y.Doc())))
  const step2 = await until(
    () =>
      client
        .messages()
        .slice(seen)
        .find((m) => m.kind === 'sync-step2'),
    5000,
    'sync step 2 from the server',
  )
  const doc = new Y.Doc()
  Y.applyUpdate(doc, step2.update)
  const decisions = readDecisions(doc)
  doc.destroy()
  return decisions
}

/** Sync updates (y-protocols sync message 2) the server sent this raw client: broadcasts of others' changes. */
export function broadcastsTo(client: Awaited<ReturnType<typeof rawClient>>): Uint8Array[] {
  return client.messages().flatMap((m) => (m.kind === 'sync-update' ? [m.update] : []))
}
