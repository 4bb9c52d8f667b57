/**
 * The lean benchmark client, the same code against all three servers: one raw `ws` socket per
 * document speaking y-protocols sync (step 1, step 2, update) and one awareness state, every frame
 * written and read by @consent-sync/protocol. Decisions are made with consent-core's `decide` on the
 * client's own Y.Doc. Hocuspocus frames every message with the document name first and wants an
 * auth message before anything else (protocol SPEC 1.2); that is the only dialect difference.
 */
import { type Actor, type Channel, DEFAULT_CATALOG, decide, findPurpose } from '@consent-sync/consent-core'
import {
  decodeStateVector,
  encodeAwarenessEntries,
  encodeMessage,
  type FrameOptions,
  type Message,
  parseFrame,
} from '@consent-sync/protocol'
import WebSocket from 'ws'
import * as Y from 'yjs'

export type Dialect = 'y-websocket' | 'hocuspocus'

/** Hocuspocus reads its token from an auth message of sub-type 0; it accepts any when unconfigured. */
const HOCUSPOCUS_TOKEN: Message = { kind: 'auth', sub: 0, text: 'bench' }

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
  /** connect() calls waiting for the next sync step 2. */
  private readonly waiting = new Set<(err?: Error) => void>()
  /** Hocuspocus: every frame carries the document name. */
  private readonly framing: FrameOptions

  constructor(private readonly opts: ClientOptions) {
    this.framing = opts.dialect === 'hocuspocus' ? { documentName: opts.docName } : {}
  }

  /**
   * Opens the socket; resolves once the server's sync step 2 arrived, as it arrives (a poll would
   * round every connect time up to its interval).
   */
  connect(timeoutMs = 30_000): Promise<void> {
    this.open()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => done(new Error(`no sync within ${timeoutMs} ms (${this.closes})`)),
        timeoutMs,
      )
      const done = (err?: Error) => {
        clearTimeout(timer)
        this.waiting.delete(done)
        if (err) reject(err)
        else resolve()
      }
      this.waiting.add(done)
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
    this.send({ kind: 'sync-update', update: u })
    return Y.getState(this.doc.store, this.doc.clientID)
  }

  close(): void {
    this.stopped = true
    clearTimeout(this.retry)
    for (const done of [...this.waiting]) done(new Error('client closed before sync'))
    this.ws?.terminate()
    this.doc.destroy()
  }

  private open() {
    const ws = new WebSocket(this.opts.url)
    this.ws = ws
    ws.binaryType = 'arraybuffer'
    ws.on('open', () => {
      if (this.opts.dialect === 'hocuspocus') this.send(HOCUSPOCUS_TOKEN)
      this.send({ kind: 'sync-step1', stateVector: Y.encodeStateVector(this.doc) })
      this.send({ kind: 'awareness', update: this.awareness() })
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
    const message = parseFrame(bytes, { hocuspocus: this.opts.dialect === 'hocuspocus' })
    switch (message.kind) {
      case 'sync-step1':
        this.send({ kind: 'sync-step2', update: Y.encodeStateAsUpdate(this.doc, message.stateVector) })
        return
      case 'sync-step2':
        Y.applyUpdate(this.doc, message.update, 'remote')
        this.synced = true
        this.attempt = 0
        this.syncs++
        for (const done of [...this.waiting]) done()
        this.opts.onSynced?.()
        return
      case 'sync-update':
        Y.applyUpdate(this.doc, message.update, 'remote')
        this.opts.onRemoteUpdate?.()
        return
      case 'hocuspocus-status':
        this.statuses++
        this.opts.onAck?.()
        return
      case 'durable': {
        const own = decodeStateVector(message.stateVector).get(this.doc.clientID) ?? 0
        this.durableClock = Math.max(this.durableClock, own)
        this.opts.onAck?.()
        return
      }
    }
    // Awareness and hocuspocus auth replies: not needed by the benchmark.
  }

  private send(message: Message) {
    if (this.ws?.readyState !== WebSocket.OPEN) return
    this.ws.send(encodeMessage(message, this.framing))
  }

  /** One awareness state of this client, encoded directly: no y-protocols Awareness and its timers per client. */
  private awareness(): Uint8Array {
    const state = { user: { id: this.opts.actor.id, role: this.opts.actor.role }, editing: false }
    return encodeAwarenessEntries([{ clientId: this.doc.clientID, clock: 1, json: JSON.stringify(state) }])
  }
}
