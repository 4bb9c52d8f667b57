import { decodeStateVector, encodeStateAsUpdate, encodeStateVector } from 'yjs'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import * as decoding from 'lib0/decoding'
import { MessageType, encodeSyncStep1, encodeSyncUpdate } from '../sync/protocol'
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
    /** Durable state vectors received (message type 100). */
    durable(): Map<number, number>[] {
      return frames
        .filter((f) => f[0] === MessageType.Durable)
        .map((f) => {
          const d = decoding.createDecoder(f)
          decoding.readVarUint(d)
          return decodeStateVector(decoding.readVarUint8Array(d))
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
