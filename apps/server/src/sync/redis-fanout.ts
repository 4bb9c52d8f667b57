import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { FanOut, PresenceQuery, RemoteAwareness, RemoteUpdate } from './fanout'

const KIND_UPDATE = 0
const KIND_AWARENESS = 1
const KIND_PRESENCE_QUERY = 2

function encodeMessage(
  kind: number,
  instanceId: string,
  customerId: string,
  seq: number,
  payload: Uint8Array,
): Buffer {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, kind)
  encoding.writeVarString(e, instanceId)
  encoding.writeVarString(e, customerId)
  encoding.writeVarUint(e, seq)
  encoding.writeVarUint8Array(e, payload)
  return Buffer.from(encoding.toUint8Array(e))
}

export interface RedisFanOutOptions {
  url: string
  /** Channel shared by every instance of one deployment. */
  channel?: string
  log?: { warn(obj: object, msg: string): void }
}

/** Redis pub/sub fan-out: one channel for the deployment, binary messages, own messages skipped. */
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
      const d = decoding.createDecoder(new Uint8Array(message.buffer, message.byteOffset, message.byteLength))
      const kind = decoding.readVarUint(d)
      const from = decoding.readVarString(d)
      if (from === instanceId) return
      const customerId = decoding.readVarString(d)
      const seq = decoding.readVarUint(d)
      const payload = decoding.readVarUint8Array(d)
      if (kind === KIND_UPDATE) for (const l of updateListeners) l({ customerId, seq, update: payload })
      else if (kind === KIND_AWARENESS) for (const l of awarenessListeners) l({ customerId, update: payload })
      else if (kind === KIND_PRESENCE_QUERY) for (const l of queryListeners) l({ customerId })
    } catch (err) {
      warn(err, 'undecodable fan-out message ignored')
    }
  })
  const publish = (message: Buffer) => {
    pub.publish(channel, message).catch((err: unknown) => warn(err, 'fan-out publish failed'))
  }
  return {
    instanceId,
    publishUpdate(customerId, seq, update) {
      publish(encodeMessage(KIND_UPDATE, instanceId, customerId, seq, update))
    },
    publishAwareness(customerId, update) {
      publish(encodeMessage(KIND_AWARENESS, instanceId, customerId, 0, update))
    },
    publishPresenceQuery(customerId) {
      publish(encodeMessage(KIND_PRESENCE_QUERY, instanceId, customerId, 0, new Uint8Array()))
    },
    onUpdate(l) {
      updateListeners.push(l)
    },
    onPresenceQuery(l) {
      queryListeners.push(l)
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
      sub.disconnect()
      pub.disconnect()
    },
  }
}
