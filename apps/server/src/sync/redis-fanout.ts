import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { FanOut, PresenceQuery, RemoteAwareness, RemoteUpdate } from './fanout'

const KIND_UPDATE = 0
const KIND_AWARENESS = 1
const KIND_PRESENCE_QUERY = 2
const KIND_CATALOG = 4
/** An account changed (disabled, role or password changed): `customerId` carries its username. */
const KIND_ACCOUNT = 5
/** Every record one instance published in one turn of its event loop, in one Redis message. */
const KIND_BATCH = 3

/** A batch is published early once its records reach this size. */
const MAX_BATCH_BYTES = 1 << 20

interface FanOutRecord {
  kind: number
  customerId: string
  seq: number
  payload: Uint8Array
}

function writeRecord(e: encoding.Encoder, r: FanOutRecord): void {
  encoding.writeVarUint(e, r.kind)
  encoding.writeVarString(e, r.customerId)
  encoding.writeVarUint(e, r.seq)
  encoding.writeVarUint8Array(e, r.payload)
}

function readRecord(d: decoding.Decoder, kind = decoding.readVarUint(d)): FanOutRecord {
  const customerId = decoding.readVarString(d)
  const seq = decoding.readVarUint(d)
  return { kind, customerId, seq, payload: decoding.readVarUint8Array(d) }
}

function encodeBatch(instanceId: string, records: readonly FanOutRecord[]): Buffer {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, KIND_BATCH)
  encoding.writeVarString(e, instanceId)
  encoding.writeVarUint(e, records.length)
  for (const r of records) writeRecord(e, r)
  return Buffer.from(encoding.toUint8Array(e))
}

/**
 * The sender and records of one message: a batch, or a single record as the previous release
 * published it (instances of both releases share the channel during a rolling upgrade).
 */
function decodeMessage(message: Buffer): { from: string; records: () => FanOutRecord[] } {
  const d = decoding.createDecoder(new Uint8Array(message.buffer, message.byteOffset, message.byteLength))
  const kind = decoding.readVarUint(d)
  const from = decoding.readVarString(d)
  if (kind !== KIND_BATCH) return { from, records: () => [readRecord(d, kind)] }
  return {
    from,
    records: () => Array.from({ length: decoding.readVarUint(d) }, () => readRecord(d)),
  }
}

export interface RedisFanOutOptions {
  url: string
  /** Channel shared by every instance of one deployment. */
  channel?: string
  log?: { warn(obj: object, msg: string): void }
}

/**
 * Redis pub/sub fan-out: one channel for the deployment, binary messages, own messages skipped.
 * What is published in one turn of the event loop (every update of a group commit, and presence
 * meanwhile) goes as one message: one PUBLISH per batch, in the order it was published.
 */
export function createRedisFanOut(options: RedisFanOutOptions): FanOut {
  const instanceId = randomUUID()
  const channel = options.channel ?? 'consent-sync:fanout'
  // Publishing never queues while Redis is away: the store has the update, receivers repair.
  const pub = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: false,
  })
  const sub = new Redis(options.url, { lazyConnect: false })
  const updateListeners: ((m: RemoteUpdate) => void)[] = []
  const awarenessListeners: ((m: RemoteAwareness) => void)[] = []
  const queryListeners: ((m: PresenceQuery) => void)[] = []
  const catalogListeners: (() => void)[] = []
  const accountListeners: ((username: string) => void)[] = []
  const resumeListeners: (() => void)[] = []
  let subscribedOnce = false
  let subscribed: () => void = () => {}
  const whenSubscribed = new Promise<void>((resolve) => {
    subscribed = resolve
  })
  const warn = (err: unknown, msg: string) => options.log?.warn({ err }, msg)
  pub.on('error', (err) => warn(err, 'redis publisher'))
  sub.on('error', (err) => warn(err, 'redis subscriber'))
  // ioredis resubscribes by itself after a reconnect; anything published meanwhile was missed.
  sub.on('ready', () => {
    if (subscribedOnce) for (const l of resumeListeners) l()
  })
  sub.subscribe(channel).then(
    () => {
      subscribedOnce = true
      subscribed()
    },
    (err) => warn(err, 'redis subscribe failed'),
  )
  sub.on('messageBuffer', (_channel: Buffer, message: Buffer) => {
    try {
      const { from, records } = decodeMessage(message)
      if (from === instanceId) return
      for (const { kind, customerId, seq, payload } of records()) {
        if (kind === KIND_UPDATE) for (const l of updateListeners) l({ customerId, seq, update: payload })
        else if (kind === KIND_AWARENESS)
          for (const l of awarenessListeners) l({ customerId, update: payload })
        else if (kind === KIND_PRESENCE_QUERY) for (const l of queryListeners) l({ customerId })
        else if (kind === KIND_CATALOG) for (const l of catalogListeners) l()
        else if (kind === KIND_ACCOUNT) for (const l of accountListeners) l(customerId)
      }
    } catch (err) {
      warn(err, 'undecodable fan-out message ignored')
    }
  })
  let pending: FanOutRecord[] = []
  let pendingBytes = 0
  const flush = () => {
    if (pending.length === 0) return
    const message = encodeBatch(instanceId, pending)
    pending = []
    pendingBytes = 0
    pub.publish(channel, message).catch((err: unknown) => warn(err, 'fan-out publish failed'))
  }
  const publish = (record: FanOutRecord) => {
    if (pending.length === 0) setImmediate(flush)
    pending.push(record)
    pendingBytes += record.payload.byteLength + record.customerId.length + 16
    if (pendingBytes >= MAX_BATCH_BYTES) flush()
  }
  return {
    instanceId,
    publishUpdate(customerId, seq, update) {
      publish({ kind: KIND_UPDATE, customerId, seq, payload: update })
    },
    publishAwareness(customerId, update) {
      publish({ kind: KIND_AWARENESS, customerId, seq: 0, payload: update })
    },
    publishPresenceQuery(customerId) {
      publish({ kind: KIND_PRESENCE_QUERY, customerId, seq: 0, payload: new Uint8Array() })
    },
    onUpdate(l) {
      updateListeners.push(l)
    },
    onPresenceQuery(l) {
      queryListeners.push(l)
    },
    publishCatalogChanged() {
      publish({ kind: KIND_CATALOG, customerId: '', seq: 0, payload: new Uint8Array() })
    },
    onCatalogChanged(l) {
      catalogListeners.push(l)
    },
    publishAccountChanged(username) {
      publish({ kind: KIND_ACCOUNT, customerId: username, seq: 0, payload: new Uint8Array() })
    },
    onAccountChanged(l) {
      accountListeners.push(l)
    },
    async ready(timeoutMs) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        whenSubscribed,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs)
        }),
      ])
      clearTimeout(timer)
    },
    onAwareness(l) {
      awarenessListeners.push(l)
    },
    onResume(l) {
      resumeListeners.push(l)
    },
    async ping() {
      if (sub.status !== 'ready') throw new Error(`redis subscriber is ${sub.status}`)
      await pub.ping()
    },
    async close() {
      flush()
      sub.disconnect()
      pub.disconnect()
    },
  }
}
