import {
  type AuditEntry,
  type ChainHead,
  DEFAULT_LIMITS,
  type Decision,
  type Limits,
  readDecisions,
} from '@consent-sync/consent-core'
import { CloseCode, type CloseCodeValue, encodeSyncStep1, encodeSyncStep2 } from '@consent-sync/protocol'
import * as Y from 'yjs'
import type { StoredDocument } from '../store/document-log'
import { LiveDocument } from './live-document'
import type { Peer } from './peer'
import { acknowledge } from './pipeline/acknowledge'
import { applyAccepted, applyStored } from './pipeline/apply'
import { authorize } from './pipeline/authorize'
import { broadcast } from './pipeline/broadcast'
import type { IncomingUpdate } from './pipeline/incoming-update'
import { type Judgement, judge, ResyncBudget } from './pipeline/judge'
import { type Committer, persist } from './pipeline/persist'
import { type PresenceVerdict, RoomPresence } from './presence'
import type { RoomDeps } from './room-deps'

/** How often one update may find the store moved on by other instances before the client is told to resend. */
const MAX_BEHIND_RETRIES = 5

/**
 * One customer's live document and the connections that have it open. Incoming updates go
 * through one pipeline per room, one at a time in arrival order (DESIGN.md §6), its steps in
 * sync/pipeline/: authorize → judge → persist → apply → broadcast → acknowledge. Updates other
 * instances stored come in through the same queue: apply → broadcast.
 */
export class Room {
  readonly presence: RoomPresence
  readonly peers = new Set<Peer>()
  private readonly live: LiveDocument
  private readonly limits: Limits
  private readonly resyncs = new ResyncBudget()
  private queue: Promise<void> = Promise.resolve()
  private queued = 0

  constructor(
    readonly customerId: string,
    stored: StoredDocument,
    private readonly deps: RoomDeps,
    private readonly committer: Committer,
  ) {
    this.limits = {
      ...DEFAULT_LIMITS,
      maxUpdateBytes: deps.config.limits.maxMessageBytes,
      maxDocumentBytes: deps.config.limits.maxDocumentBytes,
    }
    this.live = new LiveDocument(customerId, stored, deps, this.limits.maxDocumentBytes)
    this.presence = new RoomPresence(this.live.doc, this.peers, (bytes) =>
      deps.fanout.publishAwareness(customerId, bytes),
    )
  }

  /** True when no connection has the document open and no update is in flight. */
  get idle(): boolean {
    return this.peers.size === 0 && this.queued === 0
  }

  /** Last stored update seq applied to the document. */
  get appliedSeq(): number {
    return this.live.seq
  }

  decisions(): Decision[] {
    return readDecisions(this.live.doc)
  }

  /** Starts the y-websocket handshake: the server's step 1 and the current presence. */
  join(peer: Peer): void {
    this.peers.add(peer)
    peer.send(encodeSyncStep1(Y.encodeStateVector(this.live.doc)))
    this.presence.join(peer)
  }

  leave(peer: Peer): void {
    if (!this.peers.delete(peer)) return
    this.presence.leave(peer)
  }

  /** Answers a client's step 1 with what it lacks; false when its state vector is undecodable. */
  answerStep1(peer: Peer, stateVector: Uint8Array): boolean {
    let diff: Uint8Array
    try {
      diff = Y.encodeStateAsUpdate(this.live.doc, stateVector)
    } catch {
      return false
    }
    peer.send(encodeSyncStep2(diff))
    return true
  }

  /** Presence from one of this room's connections (DESIGN.md §5). */
  applyAwareness(peer: Peer, update: Uint8Array): PresenceVerdict {
    const verdict = this.presence.receive(peer, update)
    if (verdict.ok) for (const reason of verdict.dropped) this.deps.metrics.presenceDropped.inc({ reason })
    return verdict
  }

  /** Drops the document's shadow copy when it was not needed for `idleMs` (room-registry.ts sweeps). */
  releaseIdleShadow(now: number, idleMs: number): void {
    this.live.releaseIdleShadow(now, idleMs)
  }

  /** Publishes the presence of this instance's connections (another instance asked). */
  publishPresence(): void {
    this.presence.publishLocal()
  }

  sendAwarenessTo(peer: Peer): void {
    this.presence.answerQuery(peer)
  }

  applyRemoteAwareness(update: Uint8Array): void {
    if (!this.presence.receiveRemote(update)) {
      this.deps.log.warn({ customerId: this.customerId }, 'undecodable remote presence ignored')
    }
  }

  /** Queues an update from a connection; the updates of one room go through the pipeline one at a time. */
  submit(incoming: IncomingUpdate): Promise<void> {
    return this.enqueue(() => this.process(incoming))
  }

  /**
   * An update another instance accepted, with its seq (fan-out). In order: applied; after a gap
   * (fan-out can drop messages): everything missed is read from the store.
   */
  receiveRemote(seq: number, update: Uint8Array): Promise<void> {
    return this.enqueue(async () => {
      if (seq <= this.live.seq) return
      if (applyStored(this.live, seq, update)) broadcast(update, this.peers)
      else await this.catchUp()
    })
  }

  /** Reads what other instances stored since this room's last seq (periodic check, fan-out resumed). */
  refresh(): Promise<void> {
    return this.enqueue(() => this.catchUp())
  }

  /** Resolves when every queued update has been handled. */
  settled(): Promise<void> {
    return this.queue
  }

  /** Closes every connection and releases the document. */
  destroy(code: CloseCodeValue, reason: string): void {
    for (const p of [...this.peers]) p.close(code, reason)
    this.presence.destroy()
    this.live.doc.destroy()
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    this.queued++
    this.queue = this.queue.then(job, job).finally(() => {
      this.queued--
    })
    return this.queue
  }

  /** The pipeline for one update, its steps in order. */
  private async process(incoming: IncomingUpdate, attempt = 0): Promise<void> {
    const { customerId, live, deps } = this
    const { peer, update } = incoming
    let head: ChainHead
    try {
      head = await live.chainHead()
    } catch (err) {
      return this.notStored(incoming, 'reading the chain head failed', err)
    }
    if (!authorize(incoming)) return
    const catalog = deps.catalog.current()
    const judgement = judge({
      incoming,
      live,
      head,
      customerId,
      catalog,
      limits: this.limits,
      resyncs: this.resyncs,
    })
    if (judgement.kind !== 'accepted') return this.notAccepted(incoming, judgement)
    const { accepted } = judgement
    const persisted = await persist(this.committer, {
      customerId,
      incoming,
      accepted,
      expectedSeq: live.seq,
      catalog,
    })
    if (persisted.kind === 'failed') {
      live.forgetJudgement()
      return this.notStored(incoming, 'storing an update failed', persisted.error)
    }
    if (persisted.kind === 'behind') {
      // Another instance stored updates this room has not applied: the entries were derived from an
      // old view and chained onto an old head. Catch up, read the head again, judge and chain again.
      live.forgetJudgement()
      live.head = null
      if (attempt >= MAX_BEHIND_RETRIES) {
        peer.close(
          CloseCode.StorageError,
          'busy: the record is changing fast elsewhere; the change will be resent',
        )
        return
      }
      await this.catchUp()
      return this.process(incoming, attempt + 1)
    }
    live.watchSize(accepted.documentBytes)
    // Durable: only now does anyone else see it (DESIGN.md §2).
    applyAccepted(live, { update, seq: persisted.seq, head: accepted.head, sender: peer })
    deps.fanout.publishUpdate(customerId, persisted.seq, update)
    deps.metrics.updatesAccepted.inc()
    broadcast(update, this.peers, peer)
    deps.metrics.broadcastSeconds.observe((performance.now() - incoming.receivedAtMs) / 1000)
    acknowledge(peer, live.doc)
    this.announce(incoming, accepted.entries)
    await live.snapshotIfDue()
  }

  /** An update that is not stored: asked for what it lacks, acknowledged as held already, or refused. */
  private notAccepted({ peer }: IncomingUpdate, judgement: Exclude<Judgement, { kind: 'accepted' }>) {
    const { metrics, log } = this.deps
    const at = { customerId: this.customerId, connectionId: peer.id }
    switch (judgement.kind) {
      case 'unchanged':
        return acknowledge(peer, this.live.doc)
      case 'resync':
        metrics.updatesRejected.inc({ reason: 'pending' })
        log.info(at, 'update ahead of its dependencies: resync')
        return peer.send(encodeSyncStep1(Y.encodeStateVector(this.live.doc)))
      case 'refused':
        metrics.updatesRejected.inc({ reason: judgement.reason })
        if (judgement.reason === 'document-full') this.live.watchSize(this.limits.maxDocumentBytes)
        log.warn({ ...at, reason: judgement.reason }, judgement.detail)
        return peer.close(judgement.close.code, judgement.close.reason)
    }
  }

  /** Storage failed: nothing acknowledged, the sender closed 1011; it resends after reconnecting. */
  private notStored({ peer }: IncomingUpdate, what: string, err: unknown): void {
    this.deps.log.error({ err, customerId: this.customerId, connectionId: peer.id }, what)
    peer.close(CloseCode.StorageError, 'storage error: the change was not saved; it will be resent')
  }

  /** The live feed hears of the decisions once they are durable (DESIGN.md §7). */
  private announce({ peer }: IncomingUpdate, entries: AuditEntry[]): void {
    if (entries.length === 0) return
    const { id, role, name } = peer.user
    this.deps.events.emit({ customerId: this.customerId, entries, user: { id, role, name } })
  }

  private async catchUp(): Promise<void> {
    try {
      for (const u of await this.deps.documents.updatesSince(this.customerId, this.live.seq)) {
        if (applyStored(this.live, u.seq, u.update)) broadcast(u.update, this.peers)
      }
      await this.live.chainHead()
    } catch (err) {
      // The next message, periodic check or append (which would come back `behind`) tries again.
      this.deps.log.warn({ err, customerId: this.customerId }, 'catching up from the store failed')
    }
  }
}
