import * as Y from 'yjs'
import type { PurposeCatalog } from './catalog'
import { DecisionIndex } from './decision-index'
import { asDecision, checkDecisionShape } from './decision-shape'
import { readDecisions } from './document'
import { judgeAtLimit, judgeDecisions } from './judge-decisions'
import { judgeDeletion, judgeNewStruct } from './judge-structs'
import { DEFAULT_LIMITS, type Limits } from './limits'
import { type ConnectionUser, type Decision, ROOT_DECISIONS, ROOT_PROFILE } from './types'
import { type Rejected, reject, type ValidationResult, writerRole } from './validation-result'

// A fixed guid: a random one costs ~30 calls to the system's random source per shadow.
const SHADOW_GUID = 'consent-sync-shadow'

/** A copy of `doc` that can be judged on; gc off so deleted items keep their parent and key. */
function shadowOf(doc: Y.Doc): { shadow: Y.Doc; bytes: number } {
  const base = Y.encodeStateAsUpdate(doc)
  const shadow = new Y.Doc({ guid: SHADOW_GUID, gc: false })
  Y.applyUpdate(shadow, base)
  return { shadow, bytes: base.byteLength }
}

/**
 * Judges an incoming update against the rules of SPEC §2 on a shadow copy of `doc`; `doc` itself
 * is never touched (SPEC 2.14). Never throws: any bytes in, a result out.
 */
export function validateUpdate(
  doc: Y.Doc,
  update: Uint8Array,
  user: ConnectionUser,
  catalog: PurposeCatalog,
  limits: Limits = DEFAULT_LIMITS,
): ValidationResult {
  const validator = new ShadowValidator(doc)
  const result = validator.validate(update, user, catalog, limits)
  validator.reset()
  return result
}

/**
 * A validator that keeps its shadow between updates, for a server judging a stream of updates to
 * one document: an accepted update stays applied to the shadow, which then equals the document
 * once the caller applies the update to it too. After a rejection, or when the caller does not
 * apply an accepted update (its commit failed: call `reset`), the shadow is copied afresh.
 * Same rules and results as {@link validateUpdate}, without copying the document every time.
 */
export class ShadowValidator {
  private shadow: Y.Doc | null = null
  private bytes = 0
  /** The shadow's decisions, kept with it; null after an absorb until the next update. */
  private index: DecisionIndex | null = null
  /** The heads of the purposes the last accepted update touched, as they were before it. */
  private headsBefore = new Map<string, readonly Decision[]>()

  constructor(private readonly doc: Y.Doc) {}

  validate(
    update: Uint8Array,
    user: ConnectionUser,
    catalog: PurposeCatalog,
    limits: Limits = DEFAULT_LIMITS,
  ): ValidationResult {
    const early = precheck(update, limits)
    if (early) return early
    if (this.shadow === null) ({ shadow: this.shadow, bytes: this.bytes } = shadowOf(this.doc))
    const shadow = this.shadow
    this.index ??= DecisionIndex.of(readDecisions(shadow))
    const index = this.index
    const result = judge(shadow, this.bytes, update, user, catalog, limits, index)
    if (!result.ok) {
      this.reset()
      return result
    }
    this.bytes = result.documentBytes
    this.headsBefore = new Map()
    for (const d of result.added) {
      if (!this.headsBefore.has(d.purposeId)) this.headsBefore.set(d.purposeId, index.headsOf(d.purposeId))
    }
    for (const d of result.added) index.add(d)
    return result
  }

  /**
   * What the audit records of the update last accepted here fold against (SPEC 4.3): the heads its
   * purposes had before it, which fold as the whole history would.
   */
  decisionsBefore(purposeId: string): readonly Decision[] {
    return this.headsBefore.get(purposeId) ?? this.index?.headsOf(purposeId) ?? []
  }

  /**
   * An update the document received without judgement (already accepted elsewhere, e.g. by another
   * server instance): applied to the shadow too, so it keeps equalling the document.
   */
  absorb(update: Uint8Array): void {
    if (this.shadow === null) return
    // Which decisions it brought is not worth working out: the index is rebuilt at the next update.
    this.index = null
    try {
      Y.applyUpdate(this.shadow, update)
      this.bytes += update.byteLength
    } catch {
      this.reset()
    }
    if (
      this.shadow !== null &&
      (this.shadow.store.pendingStructs !== null || this.shadow.store.pendingDs !== null)
    ) {
      this.reset()
    }
  }

  /** Forgets the shadow: the next update is judged on a fresh copy of the document. */
  reset(): void {
    this.shadow?.destroy()
    this.shadow = null
    this.index = null
    this.headsBefore = new Map()
  }
}

function precheck(update: Uint8Array, limits: Limits): Rejected | null {
  if (!(update instanceof Uint8Array)) return reject('malformed', 'an update must be bytes')
  if (update.byteLength > limits.maxUpdateBytes) {
    return reject('too-large', `update of ${update.byteLength} bytes exceeds ${limits.maxUpdateBytes}`)
  }
  return null
}

function stateVectorOf(doc: Y.Doc): Map<number, number> {
  const sv = new Map<number, number>()
  for (const [client, structs] of doc.store.clients) {
    const last = structs[structs.length - 1]
    if (last) sv.set(client, last.id.clock + last.length)
  }
  return sv
}

/** Applies `update` to `shadow` and judges what it added and deleted. `baseBytes`: the shadow's encoded size. */
function judge(
  shadow: Y.Doc,
  baseBytes: number,
  update: Uint8Array,
  user: ConnectionUser,
  catalog: PurposeCatalog,
  limits: Limits,
  held: DecisionIndex,
): ValidationResult {
  const before = stateVectorOf(shadow)
  let transaction: Y.Transaction | null = null
  const capture = (tr: Y.Transaction) => {
    transaction = tr
  }
  shadow.on('afterTransaction', capture)
  try {
    Y.applyUpdate(shadow, update)
  } catch (err) {
    return reject('malformed', `not a Yjs update: ${err instanceof Error ? err.message : String(err)}`)
  } finally {
    shadow.off('afterTransaction', capture)
  }
  // SPEC 2.2: an update that cannot be integrated fully cannot be judged.
  if (shadow.store.pendingStructs !== null || shadow.store.pendingDs !== null) {
    return {
      ...reject('pending', 'the update depends on changes the server does not have'),
      waitingFor: waitingFor(shadow),
    }
  }
  const decisionsType = shadow.share.get(ROOT_DECISIONS)
  const profileType = shadow.share.get(ROOT_PROFILE)

  const newValues: unknown[] = []
  const profile: Record<string, string> = {}
  let newStructs = 0
  for (const [client, structs] of shadow.store.clients) {
    const from = before.get(client) ?? 0
    for (let i = structs.length - 1; i >= 0; i--) {
      const struct = structs[i]!
      if (struct.id.clock + struct.length <= from) break
      // Yjs merges a new item into the held one it continues (same client, parent and kind),
      // so a struct may straddle `from`: only its part from `from` on is new.
      const offset = Math.max(0, from - struct.id.clock)
      newStructs++
      const problem = judgeNewStruct(struct, offset, decisionsType, profileType, newValues, profile)
      if (problem) return problem
    }
  }
  let deletes = 0
  const tr = transaction as Y.Transaction | null
  if (tr !== null) {
    let problem: Rejected | null = null
    Y.iterateDeletedStructs(tr, tr.deleteSet, (struct) => {
      deletes++
      if (problem === null) problem = judgeDeletion(struct, decisionsType, profileType)
    })
    if (problem) return problem
  }
  const changed = newStructs > 0 || deletes > 0
  if (!changed) return { ok: true, added: [], profile, changed, documentBytes: baseBytes }

  const role = writerRole(user)
  if (role === null) return reject('read-only', `a ${user.role} may read this document but not change it`)

  const documentBytes = baseBytes + update.byteLength
  if (newValues.length > limits.maxDecisionsPerUpdate) {
    return reject('too-large', `more than ${limits.maxDecisionsPerUpdate} decisions in one update`)
  }
  const added: Decision[] = []
  for (const value of newValues) {
    const shape = checkDecisionShape(value, limits)
    if (shape) return reject(shape.reason, shape.detail)
    added.push(asDecision(value))
  }
  const index = held
  const problem = judgeDecisions(added, index, user, role, catalog)
  if (problem) return problem
  if (documentBytes > limits.maxDocumentBytes) {
    const full = judgeAtLimit(added, index, profile, deletes, documentBytes, catalog, limits)
    if (full) return full
  }
  // Document order, so audit entries follow the order decisions were appended (one needs no walk).
  if (added.length > 1 && decisionsType instanceof Y.AbstractType) {
    const order = new Map(shadow.getArray<Decision>(ROOT_DECISIONS).map((d, i) => [d.id, i]))
    added.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0))
  }
  return { ok: true, added, profile, changed, documentBytes }
}

function waitingFor(shadow: Y.Doc): string {
  const missing = shadow.store.pendingStructs?.missing ?? new Map<number, number>()
  const clocks = [...missing].sort(([a], [b]) => a - b).map(([client, clock]) => `${client}:${clock}`)
  return shadow.store.pendingDs !== null ? [...clocks, 'deletes'].join(',') : clocks.join(',')
}
