/**
 * The stock y-websocket provider with a presence state as a page of ours sets it. It ignores the
 * durable ack (message 100); the soak reads it to know what is durable.
 */
import { DEFAULT_CATALOG, decide, findPurpose } from '@consent-sync/consent-core'
import { decodeStateVector, isPermanentClose, MessageType, parseMessage } from '@consent-sync/protocol'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import type { ClientEnv, ClientSpec, MadeDecision, SoakClient } from './client-types'
import { decisionInput, Ledger } from './decisions'
import type { Rng } from './rng'

export class StockClient implements SoakClient {
  readonly doc = new Y.Doc()
  private readonly provider: WebsocketProvider
  private readonly ledger: Ledger
  private durable = 0
  private offline = false
  private permanent: string | undefined

  constructor(
    readonly spec: ClientSpec,
    private readonly env: ClientEnv,
  ) {
    this.ledger = new Ledger(spec, env)
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
      this.ledger.acknowledge(this.durable)
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
    // The version the catalog published (consent-core SPEC 2.11); the handle looks it up itself.
    const noticeVersion = findPurpose(DEFAULT_CATALOG, input.purposeId)?.version ?? '1.0'
    const actor = { id: this.spec.actorId, role: this.spec.role }
    const d = decide(this.doc, { ...input, actor, noticeVersion })
    return this.ledger.made(d.id, Y.getState(this.doc.store, this.doc.clientID))
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
      this.provider.wsconnected && this.provider.synced && this.durable >= own && this.ledger.unacked === 0
    )
  }

  pending(): number {
    return this.ledger.unacked
  }

  problem(): string | undefined {
    return this.permanent
  }

  unacked(): number {
    return this.ledger.unacked
  }

  async destroy(): Promise<void> {
    if (this.doc.isDestroyed) return
    this.provider.destroy()
    this.doc.destroy()
  }
}
