import {
  AUDIT_RECORD_FIELDS,
  type AuditEntry,
  type AuditRecord,
  auditEntriesFor,
  type ChainHead,
  type ChainProblem,
  canonicalJson,
  type Decision,
  type PurposeCatalog,
  readDecisions,
  sha256Hex,
  verifyChain,
} from '@consent-sync/consent-core'
import * as Y from 'yjs'
import type { AuditLog } from '../store/audit-log'
import type { DocumentLog, StoredUpdate } from '../store/document-log'

/**
 * Why a customer's stored history does not hold up. `seq` is an audit seq for the chain and
 * `entry-*` reasons, an update seq for the `update-*` and `snapshot-*` reasons.
 */
export type VerifyReason =
  | ChainProblem
  /** The chain ends before the head the store recorded: entries were removed from its end. */
  | 'chain-truncated'
  /** An update of the log is missing (a gap in its seqs, or the log ends before the recorded seq). */
  | 'update-missing'
  /** The stored bytes no longer hash to the hash recorded when the update was accepted. */
  | 'update-hash-mismatch'
  /** The update cannot be applied, or depends on changes the log does not hold. */
  | 'update-unreadable'
  /** A decision in the updates has no audit entry. */
  | 'entry-missing'
  /** An audit entry says something other than what re-deriving it from the updates gives. */
  | 'entry-mismatch'
  /** An audit entry has no decision in the updates behind it. */
  | 'entry-extra'
  /** The snapshot lacks decisions of the updates it claims to cover: loading it would lose them. */
  | 'snapshot-incomplete'

export interface VerifyProblem {
  customerId: string
  seq?: number
  reason: VerifyReason
  detail: string
}

export interface VerifyReport {
  ok: boolean
  customers: number
  entries: number
  updates: number
  problems: VerifyProblem[]
}

type Problem = Omit<VerifyProblem, 'customerId'>

/**
 * Re-walks every customer's hash chain and re-derives its audit entries from the stored updates
 * (DESIGN.md §7). Reports the first problem of each customer and goes on with the others.
 */
export async function verifyStore(
  store: DocumentLog & AuditLog,
  catalog: PurposeCatalog,
  opts: { customerId?: string } = {},
): Promise<VerifyReport> {
  const ids = opts.customerId === undefined ? await store.documentIds() : [opts.customerId]
  const report: VerifyReport = { ok: true, customers: ids.length, entries: 0, updates: 0, problems: [] }
  for (const customerId of ids) {
    const history = await readHistory(store, customerId)
    report.entries += history.chain.length
    report.updates += history.updates.length
    const problem = checkChain(history) ?? checkLog(history) ?? rederive(history, catalog)
    if (problem) report.problems.push({ customerId, ...problem })
  }
  report.ok = report.problems.length === 0
  return report
}

/** Everything verification looks at for one customer, read as of one update seq. */
interface History {
  customerId: string
  chain: AuditEntry[]
  head: ChainHead
  updates: StoredUpdate[]
  lastSeq: number
  snapshot: Uint8Array | null
  snapshotSeq: number
}

/**
 * Reads a customer's history; re-reads when an update was appended meanwhile (verifying a live
 * server's store), so a concurrent append is not mistaken for truncation.
 */
async function readHistory(store: DocumentLog & AuditLog, customerId: string): Promise<History> {
  for (let attempt = 1; ; attempt++) {
    const lastSeq = await store.updateSeq(customerId)
    const head = await store.chainHead(customerId)
    const chain = await store.auditChain(customerId)
    const updates = await store.updatesSince(customerId, 0)
    const { snapshot, snapshotSeq } = await store.loadDocument(customerId)
    if (attempt >= 5 || (await store.updateSeq(customerId)) === lastSeq) {
      return { customerId, chain, head, updates, lastSeq, snapshot, snapshotSeq }
    }
  }
}

function checkChain({ customerId, chain, head }: History): Problem | null {
  const verdict = verifyChain(chain)
  if (!verdict.ok) return { seq: verdict.seq, reason: verdict.reason, detail: verdict.detail }
  if (chain.some((e) => e.customerId !== customerId)) {
    return {
      reason: 'wrong-customer',
      detail: `the chain of ${customerId} holds entries of ${chain[0]?.customerId}`,
    }
  }
  if (head.seq !== verdict.head.seq || head.hash !== verdict.head.hash) {
    return {
      seq: verdict.head.seq + 1,
      reason: 'chain-truncated',
      detail: `the chain ends at seq ${verdict.head.seq}, the recorded head is seq ${head.seq}`,
    }
  }
  return null
}

function checkLog({ updates, lastSeq }: History): Problem | null {
  for (const [i, u] of updates.entries()) {
    if (u.seq !== i + 1)
      return { seq: i + 1, reason: 'update-missing', detail: `update ${i + 1} is not in the log` }
    if (sha256Hex(u.update) !== u.hash) {
      return {
        seq: u.seq,
        reason: 'update-hash-mismatch',
        detail: `the bytes of update ${u.seq} were altered`,
      }
    }
  }
  if (lastSeq !== updates.length) {
    return {
      seq: updates.length + 1,
      reason: 'update-missing',
      detail: `the log ends at update ${updates.length}, the recorded last update is ${lastSeq}`,
    }
  }
  return null
}

/** Decisions present now that were not before, in document order (as validation reports them). */
function addedSince(before: readonly Decision[], doc: Y.Doc): Decision[] {
  const known = new Set(before.map((d) => d.id))
  return readDecisions(doc).filter((d) => !known.has(d.id))
}

function firstDifference(stored: AuditEntry, derived: AuditRecord): string | null {
  // An entry made before the catalog was kept as data names no text hash (consent-core SPEC 4.5);
  // one that names it must name the hash of the version it was decided under.
  if (stored.noticeHash !== undefined && stored.noticeHash !== derived.noticeHash) {
    return `noticeHash: stored ${stored.noticeHash}, re-derived ${derived.noticeHash ?? 'none'}`
  }
  for (const field of AUDIT_RECORD_FIELDS) {
    if ((field as string) === 'noticeHash') continue
    if (stored[field] !== derived[field]) {
      return `${field}: stored ${JSON.stringify(stored[field])}, re-derived ${JSON.stringify(derived[field])}`
    }
  }
  return null
}

function rederive(history: History, catalog: PurposeCatalog): Problem | null {
  const { customerId, chain, updates, snapshot, snapshotSeq } = history
  const doc = new Y.Doc()
  let next = 0
  for (const u of updates) {
    const before = readDecisions(doc)
    try {
      Y.applyUpdate(doc, u.update)
    } catch (err) {
      return {
        seq: u.seq,
        reason: 'update-unreadable',
        detail: `update ${u.seq} does not apply: ${String(err)}`,
      }
    }
    if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) {
      return {
        seq: u.seq,
        reason: 'update-unreadable',
        detail: `update ${u.seq} depends on changes the log lacks`,
      }
    }
    const ctx = {
      customerId,
      receivedAt: u.receivedAt,
      connectionId: u.connectionId,
      updateHash: u.hash,
      user: { id: u.userId, role: u.userRole },
    }
    let records: AuditRecord[]
    try {
      records = auditEntriesFor(before, addedSince(before, doc), ctx, catalog)
    } catch (err) {
      // A purpose removed from the catalog since: the entries cannot be re-derived with it.
      return { seq: u.seq, reason: 'update-unreadable', detail: `update ${u.seq}: ${String(err)}` }
    }
    for (const record of records) {
      const stored = chain[next]
      if (!stored) {
        return {
          seq: next + 1,
          reason: 'entry-missing',
          detail: `decision ${record.decisionId} of update ${u.seq} has no audit entry`,
        }
      }
      const difference = firstDifference(stored, record)
      if (difference) {
        return {
          seq: stored.seq,
          reason: 'entry-mismatch',
          detail: `entry ${stored.seq} (update ${u.seq}): ${difference}`,
        }
      }
      next++
    }
    if (u.seq === snapshotSeq && snapshot) {
      const problem = checkSnapshot(snapshot, doc, snapshotSeq)
      if (problem) return problem
    }
  }
  const extra = chain[next]
  if (extra) {
    return {
      seq: extra.seq,
      reason: 'entry-extra',
      detail: `entry ${extra.seq} (decision ${extra.decisionId}) comes from no stored update`,
    }
  }
  return null
}

/** The snapshot must hold every decision of the updates it covers (it may hold more). */
function checkSnapshot(snapshot: Uint8Array, replayed: Y.Doc, snapshotSeq: number): Problem | null {
  const snapshotDoc = new Y.Doc()
  try {
    Y.applyUpdate(snapshotDoc, snapshot)
  } catch (err) {
    return {
      seq: snapshotSeq,
      reason: 'snapshot-incomplete',
      detail: `the snapshot does not load: ${String(err)}`,
    }
  }
  // Compared whole, so a decision altered in the snapshot counts as lost too.
  const held = new Set(readDecisions(snapshotDoc).map((d) => canonicalJson(d)))
  const lost = readDecisions(replayed).filter((d) => !held.has(canonicalJson(d)))
  if (lost.length > 0) {
    return {
      seq: snapshotSeq,
      reason: 'snapshot-incomplete',
      detail: `the snapshot up to update ${snapshotSeq} lacks ${lost.length} decision(s), e.g. ${lost[0]!.id}`,
    }
  }
  return null
}
