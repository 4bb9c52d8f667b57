import { findPurpose, type PurposeCatalog, versionOf } from './catalog'
import { foldOne, groupByPurpose } from './fold'
import { canonicalJson, sha256Hex } from './hash'
import type { Channel, Decision, DecisionState, UserRole } from './types'

/** Where and from whom the server accepted an update (SPEC 4.2). */
export interface AuditContext {
  customerId: string
  /** The server's receive time: the authoritative time. */
  receivedAt: string
  connectionId: string
  /** SHA-256 (hex) of the raw update the decisions came in. */
  updateHash: string
  /** The user from the verified token, never from the client's data. */
  user: { id: string; role: UserRole }
}

/** One accepted decision, before it is chained (SPEC 4.1). */
export interface AuditRecord {
  customerId: string
  purposeId: string
  decisionId: string
  /** What the person decided. */
  decision: DecisionState
  /** Folded state of the purpose before and after this decision. */
  previousState: DecisionState
  newState: DecisionState
  /** Whether the decision left the purpose with concurrent heads. */
  conflicted: boolean
  actorId: string
  actorRole: UserRole
  channel: Channel
  noticeVersion: string
  /**
   * SHA-256 of the texts of that notice version (SPEC 1.6, 4.5), when the catalog gives it; absent
   * from entries made before the catalog was kept as data, whose hashes did not cover it.
   */
  noticeHash?: string
  evidence: string | null
  /** The device time the decision carries: shown, never trusted. */
  deviceAt: string
  receivedAt: string
  connectionId: string
  updateHash: string
}

/** An audit record in its customer's hash chain (SPEC §5). */
export interface AuditEntry extends AuditRecord {
  seq: number
  prevHash: string
  hash: string
}

export interface ChainHead {
  seq: number
  hash: string
}

export const GENESIS_HASH = '0'.repeat(64)
export const GENESIS: ChainHead = { seq: 0, hash: GENESIS_HASH }

/**
 * One audit record per added decision, in order, each folded against the decisions before it
 * and those added ahead of it in the same update (SPEC 4.3).
 */
export function auditEntriesFor(
  before: readonly Decision[] | ((purposeId: string) => readonly Decision[]),
  added: readonly Decision[],
  ctx: AuditContext,
  catalog: PurposeCatalog,
): AuditRecord[] {
  const held = typeof before === 'function' ? before : groupedBy(before)
  const seen = new Map<string, Decision[]>()
  const records: AuditRecord[] = []
  for (const d of added) {
    const purposeSeen = seen.get(d.purposeId) ?? [...held(d.purposeId)]
    seen.set(d.purposeId, purposeSeen)
    const prev = foldOne(purposeSeen, catalog, d.purposeId)
    purposeSeen.push(d)
    const next = foldOne(purposeSeen, catalog, d.purposeId)
    if (!prev || !next)
      throw new Error(`audit of decision ${d.id}: purpose ${d.purposeId} is not in the catalog`)
    const purpose = findPurpose(catalog, d.purposeId)
    const noticeHash = purpose && versionOf(purpose, d.noticeVersion)?.textHash
    records.push({
      customerId: ctx.customerId,
      purposeId: d.purposeId,
      decisionId: d.id,
      decision: d.state,
      previousState: prev.state,
      newState: next.state,
      conflicted: next.conflicted,
      actorId: ctx.user.id,
      actorRole: ctx.user.role,
      channel: d.channel,
      noticeVersion: d.noticeVersion,
      ...(noticeHash ? { noticeHash } : {}),
      evidence: d.evidence ?? null,
      deviceAt: d.at,
      receivedAt: ctx.receivedAt,
      connectionId: ctx.connectionId,
      updateHash: ctx.updateHash,
    })
  }
  return records
}

function groupedBy(decisions: readonly Decision[]): (purposeId: string) => readonly Decision[] {
  const byPurpose = groupByPurpose(decisions)
  return (purposeId) => byPurpose.get(purposeId) ?? []
}

/** The hash of an entry: SHA-256 over the canonical JSON of every field but `hash` (SPEC 5.1). */
export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  return sha256Hex(canonicalJson(entry, 'hash'))
}

/** Appends a record to a chain whose head is `head` (SPEC 5.2). */
export function chain(head: ChainHead, record: AuditRecord): AuditEntry {
  const unhashed = { ...record, seq: head.seq + 1, prevHash: head.hash }
  return { ...unhashed, hash: entryHash(unhashed) }
}

/** Chains several records in order after `head`. */
export function chainAll(head: ChainHead, records: readonly AuditRecord[]): AuditEntry[] {
  const out: AuditEntry[] = []
  let h = head
  for (const r of records) {
    const e = chain(h, r)
    out.push(e)
    h = e
  }
  return out
}

export type ChainProblem = 'hash-mismatch' | 'broken-link' | 'seq-gap' | 'wrong-customer'

export type ChainVerdict =
  | { ok: true; head: ChainHead }
  | { ok: false; index: number; seq: number; reason: ChainProblem; detail: string }

/**
 * Walks one customer's entries in seq order from `start` (genesis by default) and names the
 * first entry that was altered, removed, reordered or inserted (SPEC 5.3).
 */
export function verifyChain(entries: readonly AuditEntry[], start: ChainHead = GENESIS): ChainVerdict {
  let head = start
  const customerId = entries[0]?.customerId
  for (const [index, e] of entries.entries()) {
    const fail = (reason: ChainProblem, detail: string): ChainVerdict => ({
      ok: false,
      index,
      seq: e.seq,
      reason,
      detail,
    })
    if (e.customerId !== customerId)
      return fail('wrong-customer', `entry belongs to ${e.customerId}, not ${customerId}`)
    if (e.seq !== head.seq + 1) return fail('seq-gap', `expected seq ${head.seq + 1}, found ${e.seq}`)
    if (e.prevHash !== head.hash)
      return fail('broken-link', `prevHash does not match the hash of entry ${head.seq}`)
    if (entryHash(e) !== e.hash) return fail('hash-mismatch', 'the entry was altered after it was chained')
    head = { seq: e.seq, hash: e.hash }
  }
  return { ok: true, head }
}
