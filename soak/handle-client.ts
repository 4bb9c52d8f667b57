/**
 * A sync-client handle, as a page of ours opens it: IndexedDB (fake-indexeddb), reloadable while
 * offline. Everything it made is durable once its store's `pending` reaches 0.
 */
import 'fake-indexeddb/auto'
import { DEFAULT_CATALOG, type Decision } from '@consent-sync/consent-core'
import { type ConsentHandle, openConsentDoc, webSocketTransport } from '@consent-sync/sync-client'
import WebSocket from 'ws'
import type * as Y from 'yjs'
import type { ClientEnv, ClientSpec, MadeDecision, SoakClient } from './client-types'
import { decisionInput, Ledger } from './decisions'
import type { Rng } from './rng'

export class HandleClient implements SoakClient {
  private handle!: ConsentHandle
  private unsubscribe: () => void = () => {}
  private readonly ledger: Ledger
  private offline = false
  private reloading = false

  constructor(
    readonly spec: ClientSpec,
    private readonly env: ClientEnv,
  ) {
    this.ledger = new Ledger(spec, env)
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
      if (s.loaded && s.pending === 0) this.ledger.acknowledge(Number.POSITIVE_INFINITY)
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
    return this.ledger.made(d.id)
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
    return !this.reloading && s.loaded && s.status === 'saved' && s.pending === 0 && this.ledger.unacked === 0
  }

  pending(): number {
    return this.handle.store.getState().pending
  }

  problem(): string | undefined {
    const p = this.handle.store.getState().problem
    return p ? `${p.code} ${p.reason}` : undefined
  }

  unacked(): number {
    return this.ledger.unacked
  }

  private destroyed = false

  async destroy(): Promise<void> {
    if (this.destroyed) return
    this.destroyed = true
    this.unsubscribe()
    await this.handle.destroy()
  }
}
