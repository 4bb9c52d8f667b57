import * as Y from 'yjs'
import { findPurpose, isPublishedVersion, type PurposeCatalog } from './catalog'
import { DecisionIndex } from './decision-index'
import { asDecision, checkDecisionShape } from './decision-shape'
import { readDecisions } from './document'
import { foldOne } from './fold'
import { DEFAULT_LIMITS, type Limits } from './limits'
import {
  type ActorRole,
  CHANNELS_BY_ROLE,
  type ConnectionUser,
  type Decision,
  PROFILE_FIELDS,
  ROOT_DECISIONS,
  ROOT_PROFILE,
} from './types'

// biome-ignore lint/suspicious/noExplicitAny: Yjs types its event parameter as any; roots are only compared.
type RootType = Y.AbstractType<any>

/** Why an update was rejected (SPEC §2). The server closes with 4422 and this reason. */
export type RejectReason =
  | 'malformed'
  | 'pending'
  | 'unknown-root'
  | 'bad-shape'
  | 'unknown-field'
  | 'invalid-field'
  | 'delete-forbidden'
  | 'read-only'
  | 'actor-mismatch'
  | 'bad-channel'
  | 'unknown-purpose'
  | 'bad-supersedes'
  | 'duplicate-id'
  | 'evidence-not-allowed'
  | 'unknown-notice-version'
  | 'too-large'
  | 'document-full'

export interface Accepted {
  ok: true
  /** New decisions, in document order. */
  added: Decision[]
  /** Profile keys this update set, with their new values. */
  profile: Record<string, string>
  /** False when the update holds nothing the document lacks (a re-send): nothing to persist. */
  changed: boolean
  /** Encoded size of the document before the update, plus the update: an upper bound after. */
  documentBytes: number
}

export interface Rejected {
  ok: false
  reason: RejectReason
  detail: string
  /**
   * For `pending`: what the update waits for (the first missing clock of each client, or the
   * deletes of unknown items), the same for every update stuck on the same missing changes.
   */
  waitingFor?: string
}

export type ValidationResult = Accepted | Rejected

function reject(reason: RejectReason, detail: string): Rejected {
  return { ok: false, reason, detail }
}

/** The decision role a connected user writes as; null when the user may only read (SPEC 2.6). */
export function writerRole(user: ConnectionUser): ActorRole | null {
  return user.role === 'customer' || user.role === 'csr' ? user.role : null
}

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
  /** Ids the last accepted update added (what `decisionsBefore` leaves out). */
  private lastAdded = new Set<string>()

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
    this.lastAdded = new Set(result.added.map((d) => d.id))
    for (const d of result.added) index.add(d)
    return result
  }

  /**
   * The purpose's decisions the document held before the update last accepted here: what its
   * audit records are folded against (SPEC 4.3).
   */
  decisionsBefore(purposeId: string): readonly Decision[] {
    const all = this.index?.purpose(purposeId) ?? []
    return this.lastAdded.size === 0 ? all : all.filter((d) => !this.lastAdded.has(d.id))
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
    this.lastAdded = new Set()
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

function judgeNewStruct(
  struct: Y.Item | Y.GC,
  offset: number,
  decisionsType: RootType | undefined,
  profileType: RootType | undefined,
  newValues: unknown[],
  profile: Record<string, string>,
): Rejected | null {
  if (!(struct instanceof Y.Item)) {
    // SPEC 2.3: the schema has no nested types, so nothing a client sends is garbage-collected.
    return reject('bad-shape', 'garbage-collected content is not part of the schema')
  }
  const parent = struct.parent
  if (!(parent instanceof Y.AbstractType)) return reject('bad-shape', 'content outside any root type')
  const content = struct.content
  if (parent === decisionsType) {
    if (struct.parentSub !== null) return reject('bad-shape', '"decisions" is an array, not a map')
    if (struct.deleted || content instanceof Y.ContentDeleted) {
      return reject('delete-forbidden', 'decisions are append-only: a decision may not be deleted')
    }
    if (!(content instanceof Y.ContentAny)) {
      return reject('bad-shape', 'a decision must be a plain JSON object, not a shared type or binary')
    }
    newValues.push(...content.getContent().slice(offset))
    return null
  }
  if (parent === profileType) {
    const key = struct.parentSub
    if (key === null) return reject('bad-shape', '"profile" is a map, not an array')
    if (!Object.hasOwn(PROFILE_FIELDS, key))
      return reject('unknown-field', `profile field "${key}" is not in the schema`)
    // An overwritten value arrives already deleted: its content is gone and nothing to judge.
    if (content instanceof Y.ContentDeleted) return null
    const allowed: readonly string[] = PROFILE_FIELDS[key as keyof typeof PROFILE_FIELDS]
    // Overwritten values of one key may be merged into one item: each value must be allowed.
    const values = content instanceof Y.ContentAny ? content.getContent().slice(offset) : []
    const value = values.at(-1)
    if (values.length === 0 || !values.every((v) => typeof v === 'string' && allowed.includes(v))) {
      return reject('invalid-field', `profile field "${key}" must be one of ${allowed.join(', ')}`)
    }
    if (!struct.deleted) profile[key] = value as string
    return null
  }
  if (parent._item === null) {
    return reject('unknown-root', `root type "${Y.findRootTypeKey(parent)}" is not in the schema`)
  }
  return reject('bad-shape', 'nested shared types are not part of the schema')
}

function judgeDeletion(
  struct: Y.Item | Y.GC,
  decisionsType: RootType | undefined,
  profileType: RootType | undefined,
): Rejected | null {
  if (!(struct instanceof Y.Item)) return null
  if (struct.parent === decisionsType) {
    return reject('delete-forbidden', 'decisions are append-only: a decision may not be deleted')
  }
  if (struct.parent === profileType && profileType && struct.parentSub !== null) {
    // SPEC 2.8: a profile value may be replaced, never removed.
    const current = profileType._map.get(struct.parentSub)
    if (current === undefined || current.deleted) {
      return reject('delete-forbidden', `profile field "${struct.parentSub}" may be changed but not removed`)
    }
    return null
  }
  return reject('delete-forbidden', 'this update deletes content the schema does not let anyone delete')
}

function judgeDecisions(
  added: readonly Decision[],
  held: DecisionIndex,
  user: ConnectionUser,
  role: ActorRole,
  catalog: PurposeCatalog,
): Rejected | null {
  const addedById = new Map<string, Decision>()
  for (const d of added) {
    if (held.has(d.id) || addedById.has(d.id))
      return reject('duplicate-id', `decision id ${d.id} is used twice`)
    addedById.set(d.id, d)
  }
  const lookup = (id: string) => addedById.get(id) ?? held.get(id)
  for (const d of added) {
    if (d.actor.id !== user.id || d.actor.role !== role) {
      return reject(
        'actor-mismatch',
        `decision ${d.id} names actor ${d.actor.role}:${d.actor.id}, not the signed-in user`,
      )
    }
    if (!CHANNELS_BY_ROLE[role].includes(d.channel)) {
      return reject('bad-channel', `a ${role} may not record a decision through channel "${d.channel}"`)
    }
    const purpose = findPurpose(catalog, d.purposeId)
    if (!purpose) return reject('unknown-purpose', `purpose "${d.purposeId}" is not in the catalog`)
    if (!isPublishedVersion(purpose, d.noticeVersion)) {
      return reject(
        'unknown-notice-version',
        `notice version "${d.noticeVersion}" of purpose "${d.purposeId}" was never published`,
      )
    }
    if (role === 'customer' && d.evidence !== undefined) {
      return reject('evidence-not-allowed', 'only an agent records evidence')
    }
    const seen = new Set<string>()
    for (const s of d.supersedes) {
      const target = lookup(s)
      if (s === d.id || seen.has(s))
        return reject('bad-supersedes', `decision ${d.id} lists ${s} twice or itself`)
      seen.add(s)
      if (!target)
        return reject('bad-supersedes', `decision ${d.id} supersedes ${s}, which the document does not hold`)
      if (target.purposeId !== d.purposeId) {
        return reject('bad-supersedes', `decision ${d.id} supersedes ${s}, a decision on another purpose`)
      }
    }
  }
  return findCycle(added, addedById)
}

/**
 * SPEC 2.12: past `maxDocumentBytes` a record takes only withdrawals that change something (a
 * granted or conflicted purpose), up to the hard ceiling: withdrawing must always be possible,
 * and refusing grants there means the headroom cannot be filled with decisions that change nothing.
 */
function judgeAtLimit(
  added: readonly Decision[],
  held: DecisionIndex,
  profile: Record<string, string>,
  deletes: number,
  documentBytes: number,
  catalog: PurposeCatalog,
  limits: Limits,
): Rejected | null {
  const ceiling = limits.maxDocumentBytes + limits.withdrawalHeadroomBytes
  const full = `the record has reached its size limit of ${limits.maxDocumentBytes} bytes`
  if (documentBytes > ceiling) return reject('document-full', `${full} and its headroom for withdrawals`)
  if (added.length === 0 || Object.keys(profile).length > 0 || deletes > 0) {
    return reject('document-full', `${full}: it takes only withdrawals now`)
  }
  const seen = new Map<string, Decision[]>()
  for (const d of added) {
    const before = seen.get(d.purposeId) ?? [...held.purpose(d.purposeId)]
    seen.set(d.purposeId, before)
    if (d.state !== 'withdrawn') return reject('document-full', `${full}: it takes only withdrawals now`)
    const state = foldOne(before, catalog, d.purposeId)
    if (state && state.state === 'withdrawn' && !state.conflicted) {
      return reject('document-full', `${full}: purpose "${d.purposeId}" is withdrawn already`)
    }
    before.push(d)
  }
  return null
}

/** SPEC 2.10: supersedes must not loop, or a purpose would be left with no head at all. */
function findCycle(added: readonly Decision[], byId: ReadonlyMap<string, Decision>): Rejected | null {
  // byId holds the new decisions only: held ones were accepted acyclic and cannot point at new ones.
  const state = new Map<string, 'visiting' | 'done'>()
  const newIds = new Set(added.map((d) => d.id))
  const visit = (id: string): boolean => {
    const s = state.get(id)
    if (s === 'done') return false
    if (s === 'visiting') return true
    state.set(id, 'visiting')
    for (const next of byId.get(id)?.supersedes ?? []) {
      // Stored decisions were accepted acyclic and cannot point at new ones.
      if (newIds.has(next) && visit(next)) return true
    }
    state.set(id, 'done')
    return false
  }
  for (const d of added) {
    if (visit(d.id)) return reject('bad-supersedes', `decision ${d.id} is part of a supersedes cycle`)
  }
  return null
}
