import {
  acceptUpdate,
  type ChainHead,
  DEFAULT_LIMITS,
  type Decision,
  type Limits,
  readDecisions,
  ShadowValidator,
} from '@consent-sync/consent-core'
import {
  CloseCode,
  type CloseCodeValue,
  closeReason,
  encodeDurable,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
} from '@consent-sync/protocol'
import * as Y from 'yjs'
import type { AppendResult, StoredDocument } from '../store/document-log'
import type { GroupCommitter } from './group-commit'
import type { Peer } from './peer'
import { type PresenceVerdict, RoomPresence } from './presence'
import type { RoomDeps } from './room-registry'

/**
 * How often one connection is asked (sync step 1) for the changes an update of its waits for,
 * before it is closed with 4422 'pending'. Counted per missing change, not reset by other messages:
 * a client answering with an empty step 2 cannot have the same update judged forever.
 */
const MAX_RESYNCS = 3

/** Share of MAX_DOCUMENT_BYTES past which a record is reported as near its limit. */
const NEAR_LIMIT = 0.9

/** Missing changes remembered per connection; the oldest is forgotten past this. */
const MAX_RESYNC_KEYS = 64

/**
 * One customer's live document and the connections that have it open. Incoming updates go
 * through one pipeline per room, in arrival order (DESIGN.md §6):
 * validate → persist → apply → broadcast → acknowledge.
 */
export class Room {
  readonly doc: Y.Doc
  readonly presence: RoomPresence
  readonly peers = new Set<Peer>()
  /** Seq of the last stored update applied to `doc`. */
  private seq: number
  /**
   * The customer's audit chain head as of `seq`, onto which the next accepted update's entries are
   * chained; null after updates stored elsewhere were applied: read again before the next judgement.
   */
  private head: ChainHead | null
  private snapshotSeq: number
  private pipeline: Promise<void> = Promise.resolve()
  private pendingUpdates = 0
  private nearLimit = false
  private readonly limits: Limits
  /** Judges updates on a copy of `doc` kept between updates (rebuilt after a rejection). */
  private readonly validator: ShadowValidator
  /** Per connection: how often it was asked for each set of missing changes (keyed by `waitingFor`). */
  private readonly resyncs = new WeakMap<Peer, Map<string, number>>()

  constructor(
    readonly customerId: string,
    stored: StoredDocument,
    private readonly deps: RoomDeps,
    private readonly committer: GroupCommitter,
  ) {
    this.limits = {
      ...DEFAULT_LIMITS,
      maxUpdateBytes: deps.config.limits.maxMessageBytes,
      maxDocumentBytes: deps.config.limits.maxDocumentBytes,
    }
    this.doc = new Y.Doc()
    this.doc.transact(() => {
      if (stored.snapshot) Y.applyUpdate(this.doc, stored.snapshot)
      for (const u of stored.tail) Y.applyUpdate(this.doc, u.update)
    })
    this.validator = new ShadowValidator(this.doc)
    this.seq = stored.tail.at(-1)?.seq ?? stored.snapshotSeq
    this.head = stored.head
    this.snapshotSeq = stored.snapshotSeq
    this.presence = new RoomPresence(this.doc, this.peers, (bytes) =>
      deps.fanout.publishAwareness(customerId, bytes),
    )
  }

  /** True when no connection has the document open and no update is in flight. */
  get idle(): boolean {
    return this.peers.size === 0 && this.pendingUpdates === 0
  }

  decisions(): Decision[] {
    return readDecisions(this.doc)
  }

  /** Starts the y-websocket handshake: the server's step 1 and the current presence. */
  join(peer: Peer): void {
    this.peers.add(peer)
    peer.send(encodeSyncStep1(Y.encodeStateVector(this.doc)))
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
      diff = Y.encodeStateAsUpdate(this.doc, stateVector)
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

  /** Publishes the presence of this instance's connections (another instance asked). */
  publishPresence(): void {
    this.presence.publishLocal()
  }

  sendAwarenessTo(peer: Peer): void {
    this.presence.answerQuery(peer)
  }

  /** Queues an update from a peer; updates of one room are judged and stored one at a time. */
  submit(peer: Peer, update: Uint8Array, receivedAt: string, receivedAtMs: number): Promise<void> {
    return this.enqueue(() => this.process(peer, update, receivedAt, receivedAtMs))
  }

  /**
   * An update another instance accepted, with its seq (fan-out). In order: applied; after a gap
   * (fan-out can drop messages): everything missed is read from the store.
   */
  receiveRemote(seq: number, update: Uint8Array): Promise<void> {
    return this.enqueue(async () => {
      if (seq <= this.seq) return
      if (seq === this.seq + 1) this.applyStored(seq, update)
      else await this.catchUp()
    })
  }

  /** Reads what other instances stored since this room's last seq (periodic check, fan-out resumed). */
  refresh(): Promise<void> {
    return this.enqueue(() => this.catchUp())
  }

  applyRemoteAwareness(update: Uint8Array): void {
    if (!this.presence.receiveRemote(update)) {
      this.deps.log.warn({ customerId: this.customerId }, 'undecodable remote presence ignored')
    }
  }

  /** Last stored update seq applied to the document. */
  get appliedSeq(): number {
    return this.seq
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    this.pendingUpdates++
    this.pipeline = this.pipeline.then(job, job).finally(() => {
      this.pendingUpdates--
    })
    return this.pipeline
  }

  private async catchUp(): Promise<void> {
    try {
      for (const u of await this.deps.store.updatesSince(this.customerId, this.seq))
        this.applyStored(u.seq, u.update)
      this.head ??= await this.deps.store.chainHead(this.customerId)
    } catch (err) {
      // The next message, periodic check or append (which would come back `behind`) tries again.
      this.deps.log.warn({ err, customerId: this.customerId }, 'catching up from the store failed')
    }
  }

  /** Applies an update already durable in the store (another instance accepted it) and relays it. */
  private applyStored(seq: number, update: Uint8Array): void {
    if (seq <= this.seq) return
    Y.applyUpdate(this.doc, update, REMOTE)
    this.validator.absorb(update)
    this.seq = seq
    // Its audit entries moved the chain head; which it is now, the store says.
    this.head = null
    const message = encodeSyncUpdate(update)
    for (const p of this.peers) p.send(message)
  }

  /** Resolves when every queued update has been handled. */
  settled(): Promise<void> {
    return this.pipeline
  }

  private async process(
    peer: Peer,
    update: Uint8Array,
    receivedAt: string,
    receivedAtMs: number,
    attempt = 0,
  ): Promise<void> {
    const { catalog, config, metrics, events, log, store } = this.deps
    let head: ChainHead
    try {
      this.head ??= await store.chainHead(this.customerId)
      head = this.head
    } catch (err) {
      log.error({ err, customerId: this.customerId, connectionId: peer.id }, 'reading the chain head failed')
      peer.close(CloseCode.StorageError, 'storage error: the change was not saved; it will be resent')
      return
    }
    // A rejected or failed update closes its connection; what it sent after is not judged.
    if (peer.closed) return
    const verdict = acceptUpdate({
      validator: this.validator,
      before: readDecisions(this.doc),
      head,
      update,
      context: { customerId: this.customerId, user: peer.user, receivedAt, connectionId: peer.id },
      catalog,
      limits: this.limits,
    })
    if (!verdict.ok && verdict.reason === 'pending' && this.mayResync(peer, verdict.waitingFor ?? '')) {
      // The stock client sends local edits as soon as the socket opens, before its step 2 has
      // brought what they build on (offline work): not applied, not acknowledged, and asked for
      // again, so its answer carries this update together with what it depends on.
      metrics.updatesRejected.inc({ reason: verdict.reason })
      log.info(
        { customerId: this.customerId, connectionId: peer.id },
        'update ahead of its dependencies: resync',
      )
      peer.send(encodeSyncStep1(Y.encodeStateVector(this.doc)))
      return
    }
    if (!verdict.ok) {
      metrics.updatesRejected.inc({ reason: verdict.reason })
      if (verdict.reason === 'document-full') this.watchSize(this.limits.maxDocumentBytes)
      log.warn({ customerId: this.customerId, connectionId: peer.id, reason: verdict.reason }, verdict.detail)
      // Bytes that are not a Yjs update are not y-protocols at all (DESIGN.md §10): 4400, not a rule.
      if (verdict.reason === 'malformed')
        peer.close(CloseCode.Malformed, `malformed message: ${verdict.detail}`)
      else peer.close(CloseCode.Rejected, closeReason(`${verdict.reason}: ${verdict.detail}`))
      return
    }
    if (!verdict.changed) {
      this.acknowledge(peer)
      return
    }
    const user = { id: peer.user.id, role: peer.user.role }
    let result: AppendResult
    try {
      result = await this.committer.append({
        customerId: this.customerId,
        update,
        meta: {
          receivedAt,
          connectionId: peer.id,
          userId: user.id,
          userRole: user.role,
          hash: verdict.updateHash,
        },
        entries: verdict.entries,
        expectedSeq: this.seq,
      })
    } catch (err) {
      // The shadow holds the update the document will not get: judge the next one on a fresh copy.
      this.validator.reset()
      log.error({ err, customerId: this.customerId, connectionId: peer.id }, 'storing an update failed')
      peer.close(CloseCode.StorageError, 'storage error: the change was not saved; it will be resent')
      return
    }
    if (result.behind) {
      // Another instance stored updates this room has not applied: the audit entries were derived
      // from an old view and chained onto an old head. Catch up, then judge and chain again.
      this.validator.reset()
      this.head = null
      if (attempt >= MAX_BEHIND_RETRIES) {
        peer.close(
          CloseCode.StorageError,
          'busy: the record is changing fast elsewhere; the change will be resent',
        )
        return
      }
      await this.catchUp()
      return this.process(peer, update, receivedAt, receivedAtMs, attempt + 1)
    }
    this.watchSize(verdict.documentBytes)
    // Durable: only now does anyone else see it (SPEC of the server, DESIGN.md §2).
    Y.applyUpdate(this.doc, update, peer)
    this.seq = result.seq
    this.head = verdict.head
    this.deps.fanout.publishUpdate(this.customerId, result.seq, update)
    metrics.updatesAccepted.inc()
    const message = encodeSyncUpdate(update)
    for (const p of this.peers) if (p !== peer) p.send(message)
    metrics.broadcastSeconds.observe((performance.now() - receivedAtMs) / 1000)
    this.acknowledge(peer)
    if (verdict.entries.length > 0) {
      events.emit({
        customerId: this.customerId,
        entries: verdict.entries,
        user: { ...user, name: peer.user.name },
      })
    }
    if (this.seq - this.snapshotSeq >= config.snapshotEvery) await this.snapshot()
  }

  /** Says once per load that the record is near its size limit (README: "A record near its size limit"). */
  private watchSize(documentBytes: number): void {
    if (this.nearLimit || documentBytes < this.limits.maxDocumentBytes * NEAR_LIMIT) return
    this.nearLimit = true
    this.deps.metrics.documentsNearLimit.inc()
    this.deps.log.warn(
      { customerId: this.customerId, documentBytes, maxDocumentBytes: this.limits.maxDocumentBytes },
      'record near its size limit: past it only withdrawals are accepted',
    )
  }

  /** Counts one more request for the changes `waitingFor` names; false once they were asked for enough. */
  private mayResync(peer: Peer, waitingFor: string): boolean {
    let asked = this.resyncs.get(peer)
    if (!asked) {
      asked = new Map()
      this.resyncs.set(peer, asked)
    }
    const tries = asked.get(waitingFor) ?? 0
    if (tries >= MAX_RESYNCS) return false
    asked.delete(waitingFor)
    asked.set(waitingFor, tries + 1)
    if (asked.size > MAX_RESYNC_KEYS) asked.delete(asked.keys().next().value as string)
    return true
  }

  private acknowledge(peer: Peer): void {
    if (peer.wantsAck) peer.send(encodeDurable(Y.encodeStateVector(this.doc)))
  }

  /** Folds the log into a snapshot; the raw updates stay for audit re-derivation (DESIGN.md §6). */
  private async snapshot(): Promise<void> {
    const upto = this.seq
    try {
      await this.deps.store.saveSnapshot(this.customerId, Y.encodeStateAsUpdate(this.doc), upto)
      this.snapshotSeq = upto
    } catch (err) {
      // A missed snapshot costs load time only; the log still holds everything.
      this.deps.log.warn({ err, customerId: this.customerId }, 'snapshot failed')
    }
  }

  /** Closes every connection and releases the document. */
  destroy(code: CloseCodeValue, reason: string): void {
    for (const p of [...this.peers]) p.close(code, reason)
    this.presence.destroy()
    this.doc.destroy()
  }
}

/** Origin of changes that came from another instance or the store: not published again. */
const REMOTE = Symbol('remote')

/** How often one update may find the store moved on by other instances before the client is told to resend. */
const MAX_BEHIND_RETRIES = 5
