import { type ChainHead, ShadowValidator } from '@consent-sync/consent-core'
import * as Y from 'yjs'
import type { StoredDocument } from '../store/document-log'
import type { RoomDeps } from './room-deps'

/** Share of MAX_DOCUMENT_BYTES past which a record is reported as near its limit. */
const NEAR_LIMIT = 0.9

/**
 * One customer's document as a room holds it: the live Y.Doc, the shadow copy updates are judged
 * on (kept between updates, rebuilt after a rejection), and where it stands in the stored log and
 * the audit chain. The pipeline's steps move `seq` and `head` (sync/pipeline/apply.ts).
 */
export class LiveDocument {
  readonly doc: Y.Doc
  readonly validator: ShadowValidator
  /** Seq of the last stored update applied to `doc`. */
  seq: number
  /**
   * The customer's audit chain head as of `seq`, onto which the next accepted update's entries are
   * chained; null after updates stored elsewhere were applied: read again before the next judgement.
   */
  head: ChainHead | null
  /** Seq of the last update folded into the stored snapshot. */
  private snapshotSeq: number
  private nearLimit = false
  /** When an update was last judged here (performance.now()). */
  private judgedAt = 0

  constructor(
    readonly customerId: string,
    stored: StoredDocument,
    private readonly deps: Pick<RoomDeps, 'documents' | 'metrics' | 'log' | 'config'>,
    private readonly maxDocumentBytes: number,
  ) {
    // Named after the customer: a guid of its own would cost a random UUID (31 reads of the
    // system's random source in lib0) on every load, and nothing reads it.
    this.doc = new Y.Doc({ guid: customerId })
    this.doc.transact(() => {
      if (stored.snapshot) Y.applyUpdate(this.doc, stored.snapshot)
      for (const u of stored.tail) Y.applyUpdate(this.doc, u.update)
    })
    this.validator = new ShadowValidator(this.doc)
    this.seq = stored.tail.at(-1)?.seq ?? stored.snapshotSeq
    this.head = stored.head
    this.snapshotSeq = stored.snapshotSeq
  }

  /** The head the next entries chain onto: the one kept, or read from the store; throws when it cannot be read. */
  async chainHead(): Promise<ChainHead> {
    this.head ??= await this.deps.documents.chainHead(this.customerId)
    return this.head
  }

  /** The validator, for judging an update now. */
  judging(): ShadowValidator {
    this.judgedAt = performance.now()
    return this.validator
  }

  /**
   * Lets go of the shadow copy of a document nobody has changed for `idleMs`: it doubles the
   * document's memory, and is copied afresh from the document when the next update comes.
   */
  releaseIdleShadow(now: number, idleMs: number): void {
    if (now - this.judgedAt >= idleMs) this.validator.reset()
  }

  /** The shadow holds an update the document will not get: judge the next one on a fresh copy. */
  forgetJudgement(): void {
    this.validator.reset()
  }

  /** Says once per load that the record is near its size limit (README: "A record near its size limit"). */
  watchSize(documentBytes: number): void {
    if (this.nearLimit || documentBytes < this.maxDocumentBytes * NEAR_LIMIT) return
    this.nearLimit = true
    this.deps.metrics.documentsNearLimit.inc()
    this.deps.log.warn(
      { customerId: this.customerId, documentBytes, maxDocumentBytes: this.maxDocumentBytes },
      'record near its size limit: past it only withdrawals are accepted',
    )
  }

  /** Past SNAPSHOT_EVERY updates, folds the log into a snapshot; the raw updates stay for audit re-derivation. */
  async snapshotIfDue(): Promise<void> {
    if (this.seq - this.snapshotSeq < this.deps.config.snapshotEvery) return
    const upto = this.seq
    try {
      await this.deps.documents.saveSnapshot(this.customerId, Y.encodeStateAsUpdate(this.doc), upto)
      this.snapshotSeq = upto
    } catch (err) {
      // A missed snapshot costs load time only; the log still holds everything.
      this.deps.log.warn({ err, customerId: this.customerId }, 'snapshot failed')
    }
  }
}
