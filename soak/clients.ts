/**
 * The soak's clients: sync-client handles (IndexedDB via fake-indexeddb, reloadable while
 * offline) and stock y-websocket providers (durable acks read from message type 100). Each
 * records the decisions it makes and when the server acknowledged them as durable.
 */
import 'fake-indexeddb/auto'
import {
  type ActorRole,
  CHANNELS_BY_ROLE,
  DEFAULT_CATALOG,
  type Decision,
  type DecisionState,
  decide,
} from '@consent-sync/consent-core'
import { decodeStateVector, isPermanentClose, MessageType, parseMessage } from '@consent-sync/protocol'
import { type ConsentHandle, openConsentDoc, webSocketTransport } from '@consent-sync/sync-client'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import type { Rng } from './rng'

export interface MadeDecision {
  id: string
  client: string
  actorId: string
  customerId: string
  /** ms since the soak started */
  madeAt: number
  ackedAt?: number
}

export interface Rejection {
  client: string
  code: number
  reason: string
}

export interface ClientSpec {
  name: string
  kind: 'handle' | 'stock'
  role: ActorRole
  /** customer id for customers, csr1/csr2 for agents */
  actorId: string
  customerId: string
}

export interface ClientEnv {
  /** ws://127.0.0.1:<this client's proxy port>/sync */
  url: string
  token: string
  getToken: () => Promise<string>
  /** A unique prefix for IndexedDB names (per soak run). */
  dbPrefix: string
  now: () => number
  onMade: (d: MadeDecision) => void
  onAcked: (d: MadeDecision) => void
  onRejected: (r: Rejection) => void
  onClose: (code: number) => void
}

export interface SoakClient {
  readonly spec: ClientSpec
  readonly doc: Y.Doc
  readonly online: boolean
  /** Whether a decision can be made now (loaded, not mid-reload, no permanent problem). */
  canDecide(): boolean
  decide(rng: Rng): MadeDecision
  goOffline(): void
  goOnline(): void
  /** Presence: whether this person is editing right now. */
  setEditing(editing: boolean): void
  /** Destroy and open again on the same local database (handles only), staying offline. */
  reload(): Promise<void>
  /** Everything it made is durable and it is connected and synced with the server. */
  settled(): boolean
  pending(): number
  problem(): string | undefined
  unacked(): number
  destroy(): Promise<void>
}

function decisionInput(spec: ClientSpec, rng: Rng) {
  const purposeId = rng.pick(DEFAULT_CATALOG.purposes).id
  const state: DecisionState = rng.chance(0.5) ? 'granted' : 'withdrawn'
  const channel = rng.pick(CHANNELS_BY_ROLE[spec.role].filter((c) => c !== 'import'))
  const evidence = spec.role === 'csr' ? `soak ticket ${rng.int(1000, 99999)}` : undefined
  return { purposeId, state, channel, ...(evidence !== undefined ? { evidence } : {}) }
}

class HandleClient implements SoakClient {
  private handle!: ConsentHandle
  private unsubscribe: () => void = () => {}
  private waiting: MadeDecision[] = []
  private offline = false
  private reloading = false

  constructor(
    readonly spec: ClientSpec,
    private readonly env: ClientEnv,
  ) {
    this.open(true)
  }

  private open(connect: boolean): void {
    this.handle = openConsentDoc(this.spec.customerId, {
      url: this.env.url,
      token: this.env.token,
      getToken: this.env.getToken,
      actor: { id: this.spec.actorId, role: this.spec.role },
      name: this.spec.name,
      catalog: DEFAULT_CATALOG,
      transport: webSocketTransport(WebSocket),
      dbName: `${this.env.dbPrefix}/${this.spec.name}`,
      connect,
    })
    let lastProblem: unknown = null
    this.unsubscribe = this.handle.store.subscribe((s) => {
      // pending reaching 0 once the local copy is loaded: everything this device made is durable.
      if (s.loaded && s.pending === 0 && this.waiting.length > 0) {
        for (const d of this.waiting.splice(0)) {
          d.ackedAt = this.env.now()
          this.env.onAcked(d)
        }
      }
      if (s.problem && s.problem !== lastProblem) {
        this.env.onRejected({ client: this.spec.name, code: s.problem.code, reason: s.problem.reason })
      }
      lastProblem = s.problem
    })
  }

  get doc(): Y.Doc {
    return this.handle.doc
  }

  get online(): boolean {
    return !this.offline
  }

  canDecide(): boolean {
    const s = this.handle.store.getState()
    return !this.reloading && s.loaded && s.problem === null
  }

  decide(rng: Rng): MadeDecision {
    const d: Decision = this.handle.decide(decisionInput(this.spec, rng))
    const made: MadeDecision = {
      id: d.id,
      client: this.spec.name,
      actorId: this.spec.actorId,
      customerId: this.spec.customerId,
      madeAt: this.env.now(),
    }
    this.waiting.push(made)
    this.env.onMade(made)
    return made
  }

  goOffline(): void {
    this.offline = true
    this.handle.goOffline()
  }

  setEditing(editing: boolean): void {
    if (!this.reloading) this.handle.setEditing(editing)
  }

  goOnline(): void {
    this.offline = false
    this.handle.goOnline()
  }

  async reload(): Promise<void> {
    this.reloading = true
    this.offline = true
    this.unsubscribe()
    await this.handle.destroy()
    this.open(false)
    await this.handle.whenLoaded
    this.reloading = false
  }

  settled(): boolean {
    const s = this.handle.store.getState()
    return !this.reloading && s.loaded && s.status === 'saved' && s.pending === 0 && this.waiting.length === 0
  }

  pending(): number {
    return this.handle.store.getState().pending
  }

  problem(): string | undefined {
    const p = this.handle.store.getState().problem
    return p ? `${p.code} ${p.reason}` : undefined
  }

  unacked(): number {
    return this.waiting.length
  }

  private destroyed = false

  async destroy(): Promise<void> {
    if (this.destroyed) return
    this.destroyed = true
    this.unsubscribe()
    await this.handle.destroy()
  }
}

class StockClient implements SoakClient {
  readonly doc = new Y.Doc()
  private readonly provider: WebsocketProvider
  private waiting: { made: MadeDecision; clock: number }[] = []
  private durable = 0
  private offline = false
  private permanent: string | undefined

  constructor(
    readonly spec: ClientSpec,
    private readonly env: ClientEnv,
  ) {
    this.provider = new WebsocketProvider(env.url, spec.customerId, this.doc, {
      // biome-ignore lint/suspicious/noExplicitAny: the ws package stands in for the browser's WebSocket.
      WebSocketPolyfill: WebSocket as any,
      params: { token: env.token },
      disableBc: true,
    })
    // Presence as a page of ours shows it; the stock provider relays everything it hears.
    this.provider.awareness.setLocalState({
      user: { id: spec.actorId, role: spec.role, name: spec.name },
      editing: false,
    })
    // The stock client ignores message 100; the soak reads it to know what is durable. The decoder
    // the provider hands over holds the whole frame.
    this.provider.messageHandlers[MessageType.Durable] = (_encoder, decoder) => {
      const message = parseMessage(decoder.arr)
      if (message.kind !== 'durable') return
      const sv = decodeStateVector(message.stateVector)
      this.durable = Math.max(this.durable, sv.get(this.doc.clientID) ?? 0)
      const still: typeof this.waiting = []
      for (const w of this.waiting) {
        if (this.durable >= w.clock) {
          w.made.ackedAt = this.env.now()
          this.env.onAcked(w.made)
        } else still.push(w)
      }
      this.waiting = still
    }
    this.provider.on('connection-close', (event) => {
      if (!event) return
      this.env.onClose(event.code)
      if (isPermanentClose(event.code)) {
        this.permanent = `${event.code} ${event.reason}`
        this.env.onRejected({ client: spec.name, code: event.code, reason: event.reason })
      }
    })
  }

  get online(): boolean {
    return !this.offline
  }

  canDecide(): boolean {
    return this.permanent === undefined
  }

  decide(rng: Rng): MadeDecision {
    const input = decisionInput(this.spec, rng)
    const noticeVersion = DEFAULT_CATALOG.purposes.find((p) => p.id === input.purposeId)?.version ?? '1.0'
    const d = decide(this.doc, {
      ...input,
      actor: { id: this.spec.actorId, role: this.spec.role },
      noticeVersion,
    })
    const made: MadeDecision = {
      id: d.id,
      client: this.spec.name,
      actorId: this.spec.actorId,
      customerId: this.spec.customerId,
      madeAt: this.env.now(),
    }
    this.waiting.push({ made, clock: Y.getState(this.doc.store, this.doc.clientID) })
    this.env.onMade(made)
    return made
  }

  goOffline(): void {
    this.offline = true
    this.provider.disconnect()
  }

  setEditing(editing: boolean): void {
    this.provider.awareness.setLocalStateField('editing', editing)
  }

  goOnline(): void {
    this.offline = false
    this.provider.connect()
  }

  async reload(): Promise<void> {
    // A stock client keeps nothing across a reload; the soak does not reload it.
  }

  settled(): boolean {
    const own = Y.getState(this.doc.store, this.doc.clientID)
    return (
      this.provider.wsconnected && this.provider.synced && this.durable >= own && this.waiting.length === 0
    )
  }

  pending(): number {
    return this.waiting.length
  }

  problem(): string | undefined {
    return this.permanent
  }

  unacked(): number {
    return this.waiting.length
  }

  async destroy(): Promise<void> {
    if (this.doc.isDestroyed) return
    this.provider.destroy()
    this.doc.destroy()
  }
}

export function createClient(spec: ClientSpec, env: ClientEnv): SoakClient {
  return spec.kind === 'handle' ? new HandleClient(spec, env) : new StockClient(spec, env)
}
