/**
 * The lean benchmark client, the same code against all three servers: one raw `ws` socket per
 * document speaking y-protocols sync (step 1, step 2, update) and one awareness state. Decisions are
 * made with consent-core's `decide` on the client's own Y.Doc. Hocuspocus frames every message with
 * the document name first and wants an auth message before anything else; that is the only dialect
 * difference.
 */
import {
  type Actor,
  type Channel,
  DEFAULT_CATALOG,
  decide,
  findPurpose,
  MessageType,
} from '@consent-sync/consent-core'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import WebSocket from 'ws'
import * as Y from 'yjs'

export type Dialect = 'y-websocket' | 'hocuspocus'

const SyncStep1 = 0
const SyncStep2 = 1
const SyncUpdate = 2
/** Hocuspocus: its reply to our step 1, and its per-update "applied" status. */
const HocuspocusSyncReply = 4
const HocuspocusSyncStatus = 8
const HocuspocusAuthToken = 0

export const PURPOSES = ['personalised-offers', 'marketing-sms', 'marketing-email', 'usage-analytics']

export interface ClientOptions {
  url: string
  docName: string
  dialect: Dialect
  actor: Actor
  channel: Channel
  /** Reconnect after a close we did not ask for (the reconnect storm), with jittered backoff. */
  reconnect?: boolean
  /** Called after a remote update was applied to this client's doc. */
  onRemoteUpdate?: () => void
  /** Called on each sync step 2 received (initial sync and after every reconnect). */
  onSynced?: () => void
  /** Called after a durable ack (consent-sync) or an "applied" status (Hocuspocus). */
  onAck?: () => void
}

export class BenchClient {
  readonly doc = new Y.Doc()
  synced = false
  /** Sync step 2 messages received (1 after the first sync, +1 per reconnect). */
  syncs = 0
  /** consent-sync: this client's clock covered by the last durable ack. */
  durableClock = 0
  /** Hocuspocus: "update applied" statuses received. */
  statuses = 0
  closes: number[] = []
  private ws: WebSocket | null = null
  private stopped = false
  private attempt = 0
  private decisions = 0
  private retry: NodeJS.Timeout | undefined

  constructor(private readonly opts: ClientOptions) {}

  /** Opens the socket; resolves once the server's sync step 2 arrived. */
  connect(timeoutMs = 30_000): Promise<void> {
    const before = this.syncs
    this.open()
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + timeoutMs
      const check = () => {
        if (this.syncs > before) return resolve()
        if (this.stopped) return reject(new Error('client closed before sync'))
        if (Date.now() > deadline) return reject(new Error(`no sync within ${timeoutMs} ms (${this.closes})`))
        setTimeout(check, 5)
      }
      check()
    })
  }

  /** Records one decision, sends its update, and returns this client's clock after it. */
  decide(): number {
    let update: Uint8Array | null = null
    const capture = (u: Uint8Array) => {
      update = u
    }
    this.doc.once('update', capture)
    const n = this.decisions++
    const purposeId = PURPOSES[n % PURPOSES.length]!
    decide(this.doc, {
      purposeId,
      state: n % 2 ? 'withdrawn' : 'granted',
      actor: this.opts.actor,
      channel: this.opts.channel,
      // The version the catalog published (consent-core SPEC 2.11), or the server refuses it.
      noticeVersion: findPurpose(DEFAULT_CATALOG, purposeId)!.version,
    })
    const u = update as Uint8Array | null
    if (!u) throw new Error('decide produced no update')
    this.sendSync(SyncUpdate, u)
    return Y.getState(this.doc.store, this.doc.clientID)
  }

  close(): void {
    this.stopped = true
    clearTimeout(this.retry)
    this.ws?.terminate()
    this.doc.destroy()
  }

  private open() {
    const ws = new WebSocket(this.opts.url)
    this.ws = ws
    ws.binaryType = 'arraybuffer'
    ws.on('open', () => {
      if (this.opts.dialect === 'hocuspocus') {
        ws.send(
          this.frame((e) => {
            encoding.writeVarUint(e, MessageType.Auth)
            encoding.writeVarUint(e, HocuspocusAuthToken)
            encoding.writeVarString(e, 'bench')
          }),
        )
      }
      this.sendSync(SyncStep1, Y.encodeStateVector(this.doc))
      ws.send(this.frame((e) => this.writeAwareness(e)))
    })
    ws.on('message', (data: ArrayBuffer) => this.receive(new Uint8Array(data)))
    ws.on('error', () => {})
    ws.on('close', (code) => {
      this.synced = false
      this.closes.push(code)
      if (this.stopped || !this.opts.reconnect) return
      // Jittered exponential backoff, as the stock client does (100 ms … 2 s).
      const delay = Math.min(2000, 100 * 2 ** this.attempt++) * (0.5 + Math.random())
      this.retry = setTimeout(() => this.open(), delay)
    })
  }

  private receive(bytes: Uint8Array) {
    const d = decoding.createDecoder(bytes)
    if (this.opts.dialect === 'hocuspocus') decoding.readVarString(d)
    const type = decoding.readVarUint(d)
    if (type === MessageType.Sync || (this.opts.dialect === 'hocuspocus' && type === HocuspocusSyncReply)) {
      const sub = decoding.readVarUint(d)
      const payload = decoding.readVarUint8Array(d)
      if (sub === SyncStep1) {
        this.sendSync(SyncStep2, Y.encodeStateAsUpdate(this.doc, payload))
      } else if (sub === SyncStep2) {
        Y.applyUpdate(this.doc, payload, 'remote')
        this.synced = true
        this.attempt = 0
        this.syncs++
        this.opts.onSynced?.()
      } else if (sub === SyncUpdate) {
        Y.applyUpdate(this.doc, payload, 'remote')
        this.opts.onRemoteUpdate?.()
      }
    } else if (this.opts.dialect === 'hocuspocus' && type === HocuspocusSyncStatus) {
      this.statuses++
      this.opts.onAck?.()
    } else if (type === MessageType.Durable) {
      const sv = Y.decodeStateVector(decoding.readVarUint8Array(d))
      this.durableClock = Math.max(this.durableClock, sv.get(this.doc.clientID) ?? 0)
      this.opts.onAck?.()
    }
    // Awareness and hocuspocus auth replies: not needed by the benchmark.
  }

  private sendSync(sub: number, payload: Uint8Array) {
    if (this.ws?.readyState !== WebSocket.OPEN) return
    this.ws.send(
      this.frame((e) => {
        encoding.writeVarUint(e, MessageType.Sync)
        encoding.writeVarUint(e, sub)
        encoding.writeVarUint8Array(e, payload)
      }),
    )
  }

  /** One awareness state (y-protocols/awareness encoding), written by hand: no timers per client. */
  private writeAwareness(e: encoding.Encoder) {
    encoding.writeVarUint(e, MessageType.Awareness)
    const inner = encoding.createEncoder()
    encoding.writeVarUint(inner, 1)
    encoding.writeVarUint(inner, this.doc.clientID)
    encoding.writeVarUint(inner, 1)
    encoding.writeVarString(
      inner,
      JSON.stringify({ user: { id: this.opts.actor.id, role: this.opts.actor.role }, editing: false }),
    )
    encoding.writeVarUint8Array(e, encoding.toUint8Array(inner))
  }

  private frame(write: (e: encoding.Encoder) => void): Uint8Array {
    const e = encoding.createEncoder()
    if (this.opts.dialect === 'hocuspocus') encoding.writeVarString(e, this.opts.docName)
    write(e)
    return encoding.toUint8Array(e)
  }
}
