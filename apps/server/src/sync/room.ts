import { createHash } from 'node:crypto'
import {
  type AuditRecord,
  auditEntriesFor,
  DEFAULT_LIMITS,
  type Decision,
  type Limits,
  readDecisions,
  ShadowValidator,
} from '@consent-sync/consent-core'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import type { StoredDocument } from '../store/types'
import { CloseCode, type CloseCodeValue, closeReason } from './close-codes'
import type { GroupCommitter } from './group-commit'
import type { Peer } from './peer'
import { stampAwareness } from './presence'
import {
  encodeAwareness,
  encodeDurable,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
} from './protocol'
import type { RoomDeps } from './room-registry'

/**
 * One customer's live document and the connections that have it open. Incoming updates go
 * through one pipeline per room, in arrival order (DESIGN.md §6):
 * validate → persist → apply → broadcast → acknowledge.
 */
export class Room {
  readonly doc: Y.Doc
  readonly awareness: awarenessProtocol.Awareness
  readonly peers = new Set<Peer>()
  /** Seq of the last stored update applied to `doc`. */
  private seq: number
  private snapshotSeq: number
  private pipeline: Promise<void> = Promise.resolve()
  private pendingUpdates = 0
  private readonly limits: Limits
  /** Judges updates on a copy of `doc` kept between updates (rebuilt after a rejection). */
  private readonly validator: ShadowValidator

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
    this.snapshotSeq = stored.snapshotSeq
    this.awareness = new awarenessProtocol.Awareness(this.doc)
    this.awareness.setLocalState(null)
    this.awareness.on('update', ({ added, updated, removed }: AwarenessChange) => {
      const changed = [...added, ...updated, ...removed]
      const message = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed))
      for (const p of this.peers) p.send(message)
    })
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
    const states = [...this.awareness.getStates().keys()]
    if (states.length > 0) {
      peer.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, states)))
    }
  }

  leave(peer: Peer): void {
    if (!this.peers.delete(peer)) return
    const mine = [...peer.awarenessClients].filter((c) => this.awareness.getStates().has(c))
    if (mine.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, mine, peer)
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

  applyAwareness(peer: Peer, update: Uint8Array): boolean {
    const ownedElsewhere = (clientId: number) => {
      for (const p of this.peers) if (p !== peer && p.awarenessClients.has(clientId)) return true
      return false
    }
    // Removing a state on disconnect records a clock one past the client's, here and at every
    // receiver; a reconnecting client re-announces its old clock, so the server relays it raised.
    const clockFor = (clientId: number, clock: number) => {
      const known = this.awareness.meta.get(clientId)?.clock
      return known !== undefined && clock <= known ? known + 1 : clock
    }
    const stamped = stampAwareness(
      update,
      { id: peer.user.id, role: peer.user.role, name: peer.user.name },
      ownedElsewhere,
      clockFor,
    )
    if (stamped === null) return false
    for (const c of stamped.clients) peer.awarenessClients.add(c)
    awarenessProtocol.applyAwarenessUpdate(this.awareness, stamped.update, peer)
    return true
  }

  sendAwarenessTo(peer: Peer): void {
    const states = [...this.awareness.getStates().keys()]
    peer.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, states)))
  }

  /** Queues an update from a peer; updates of one room are judged and stored one at a time. */
  submit(peer: Peer, update: Uint8Array, receivedAt: string, receivedAtMs: number): Promise<void> {
    this.pendingUpdates++
    const run = () => this.process(peer, update, receivedAt, receivedAtMs)
    this.pipeline = this.pipeline.then(run, run).finally(() => {
      this.pendingUpdates--
    })
    return this.pipeline
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
  ): Promise<void> {
    // A rejected or failed update closes its connection; what it sent after is not judged.
    if (peer.closed) return
    const { catalog, config, metrics, events, log } = this.deps
    const verdict = this.validator.validate(update, peer.user, catalog, this.limits)
    if (!verdict.ok) {
      metrics.updatesRejected.inc({ reason: verdict.reason })
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
    const hash = createHash('sha256').update(update).digest('hex')
    const user = { id: peer.user.id, role: peer.user.role }
    const audit: AuditRecord[] =
      verdict.added.length === 0
        ? []
        : auditEntriesFor(
            readDecisions(this.doc),
            verdict.added,
            { customerId: this.customerId, receivedAt, connectionId: peer.id, updateHash: hash, user },
            catalog,
          )
    let result: Awaited<ReturnType<GroupCommitter['append']>>
    try {
      result = await this.committer.append({
        customerId: this.customerId,
        update,
        meta: { receivedAt, connectionId: peer.id, userId: user.id, userRole: user.role, hash },
        audit,
      })
    } catch (err) {
      // The shadow holds the update the document will not get: judge the next one on a fresh copy.
      this.validator.reset()
      log.error({ err, customerId: this.customerId, connectionId: peer.id }, 'storing an update failed')
      peer.close(CloseCode.StorageError, 'storage error: the change was not saved; it will be resent')
      return
    }
    // Durable: only now does anyone else see it (SPEC of the server, DESIGN.md §2).
    Y.applyUpdate(this.doc, update, peer)
    this.seq = result.seq
    metrics.updatesAccepted.inc()
    const message = encodeSyncUpdate(update)
    for (const p of this.peers) if (p !== peer) p.send(message)
    metrics.broadcastSeconds.observe((performance.now() - receivedAtMs) / 1000)
    this.acknowledge(peer)
    if (result.entries.length > 0) {
      events.emit({
        customerId: this.customerId,
        entries: result.entries,
        user: { ...user, name: peer.user.name },
      })
    }
    if (this.seq - this.snapshotSeq >= config.snapshotEvery) await this.snapshot()
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
    this.awareness.destroy()
    this.doc.destroy()
  }
}

interface AwarenessChange {
  added: number[]
  updated: number[]
  removed: number[]
}
