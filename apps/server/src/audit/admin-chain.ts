import { type ChainHead, canonicalJson, GENESIS, sha256Hex } from '@consent-sync/consent-core'
import type { AdminEntry, AdminRecord } from '../store/catalog-store'

/**
 * The admin audit log's one hash chain: the same rule as a customer's chain (consent-core SPEC §5),
 * over the admin entry's fields. Who changed the catalog can be shown, and not rewritten unseen.
 */

/** SHA-256 hex over the canonical JSON of every field of the entry but `hash`. */
export function adminEntryHash(entry: Omit<AdminEntry, 'hash'>): string {
  return sha256Hex(canonicalJson(entry, 'hash'))
}

/**
 * The record as the next entry after `head`. Only the record's own fields are kept, and its
 * details as JSON gives them back (a Date becomes its ISO string, an undefined disappears), so the
 * entry hashed is the entry a store reads back.
 */
export function chainAdmin(head: ChainHead, record: AdminRecord): AdminEntry {
  const unhashed: Omit<AdminEntry, 'hash'> = {
    action: record.action,
    target: record.target,
    actorId: record.actorId,
    actorRole: record.actorRole,
    at: record.at,
    details: JSON.parse(JSON.stringify(record.details)) as Record<string, unknown>,
    seq: head.seq + 1,
    prevHash: head.hash,
  }
  return { ...unhashed, hash: adminEntryHash(unhashed) }
}

export type AdminChainProblem = 'seq-gap' | 'broken-link' | 'hash-mismatch'

/** Whole, with the head it ends at; or the first entry (index and seq) that does not hold. */
export type AdminChainVerdict =
  | { ok: true; head: ChainHead }
  | { ok: false; index: number; seq: number; reason: AdminChainProblem; detail: string }

/**
 * Walks the admin log in seq order from `start` (genesis by default) and names the first entry
 * that was altered, removed, reordered or inserted.
 */
export function verifyAdminChain(
  entries: readonly AdminEntry[],
  start: ChainHead = GENESIS,
): AdminChainVerdict {
  let head = start
  for (const [index, e] of entries.entries()) {
    const fail = (reason: AdminChainProblem, detail: string): AdminChainVerdict => ({
      ok: false,
      index,
      seq: e.seq,
      reason,
      detail,
    })
    if (e.seq !== head.seq + 1) return fail('seq-gap', `expected seq ${head.seq + 1}, found ${e.seq}`)
    if (e.prevHash !== head.hash)
      return fail('broken-link', `prevHash does not match the hash of entry ${head.seq}`)
    if (adminEntryHash(e) !== e.hash)
      return fail('hash-mismatch', 'the entry was altered after it was chained')
    head = { seq: e.seq, hash: e.hash }
  }
  return { ok: true, head }
}
