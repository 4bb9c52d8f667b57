import {
  type AcceptContext,
  acceptUpdate,
  type ConnectionUser,
  type Decision,
  decide,
  findPurpose,
  type Limits,
  type PurposeCatalog,
  type RejectReason,
  readDecisions,
  ShadowValidator,
} from '@consent-sync/consent-core'
import * as Y from 'yjs'
import { deriveDownstream } from '../downstream/derive'
import type { AppendRequest, DocumentLog } from '../store/document-log'
import type { PlannedDecision } from './history'

/**
 * Who a migration writes as: an agent account (channel `import` is an agent's, consent-core
 * SPEC 2.9). The audit entries name it; each decision's evidence names the original actor.
 */
export const MIGRATION_USER: ConnectionUser = { id: 'legacy-migration', role: 'csr' }
export const MIGRATION_CONNECTION = 'migrate-legacy'

/** Why a customer's history was not written. */
export type CustomerSkipReason =
  | 'bad-line'
  | 'duplicate-record'
  /** The record holds decisions of a purpose this export does not explain: writing would override them. */
  | 'decided-since'
  /** Decisions of an earlier run come after new ones in the export's order: the history changed. */
  | 'history-changed'
  /** The accept path refused the update (the validation rule is in the detail). */
  | 'refused'
  /** Another writer stored an update for the customer while this one was prepared. */
  | 'changed-meanwhile'

export type CustomerOutcome =
  | { kind: 'written'; written: number; alreadyMigrated: number; updates: number }
  | { kind: 'already-migrated'; alreadyMigrated: number }
  | {
      kind: 'skipped'
      reason: CustomerSkipReason
      detail: string
      refusedAs?: RejectReason
    }

export interface WriteDeps {
  store: Pick<DocumentLog, 'loadDocument' | 'append'>
  catalog: PurposeCatalog
  limits: Limits
  dryRun: boolean
  /** The receive time of the updates: the migration's clock, the authoritative time of its entries. */
  now: () => string
}

/** A share of the update size limit filled per update, leaving room for Yjs' own bytes. */
const UPDATE_BUDGET = 0.5

/**
 * Writes one customer's planned decisions the way a live update is accepted (DESIGN.md §6): built
 * as Yjs updates on a copy of the stored document, judged by consent-core's accept path on the
 * document's shadow with the migration's identity, and appended with their chained audit entries —
 * every update of the customer in one transaction, so a customer is written whole or not at all.
 * Decisions the document holds already are skipped (a re-run adds nothing).
 */
export async function writeCustomer(
  customerId: string,
  planned: readonly PlannedDecision[],
  deps: WriteDeps,
): Promise<CustomerOutcome> {
  const stored = await deps.store.loadDocument(customerId)
  const base = new Y.Doc()
  const draft = new Y.Doc()
  try {
    base.transact(() => {
      if (stored.snapshot) Y.applyUpdate(base, stored.snapshot)
      for (const u of stored.tail) Y.applyUpdate(base, u.update)
    })
    const held = readDecisions(base)
    const heldIds = new Set(held.map((d) => d.id))
    const fresh = planned.filter((d) => !heldIds.has(d.id))
    const alreadyMigrated = planned.length - fresh.length
    if (fresh.length === 0) return { kind: 'already-migrated', alreadyMigrated }
    const problem = overridesHeld(planned, held, heldIds)
    if (problem) return problem

    Y.applyUpdate(draft, Y.encodeStateAsUpdate(base))
    const validator = new ShadowValidator(base)
    let head = stored.head
    let seq = stored.tail.at(-1)?.seq ?? stored.snapshotSeq
    const receivedAt = deps.now()
    const context: AcceptContext = {
      customerId,
      user: MIGRATION_USER,
      receivedAt,
      connectionId: MIGRATION_CONNECTION,
    }
    const requests: AppendRequest[] = []
    for (const chunk of chunks(fresh, deps.limits)) {
      const before = Y.encodeStateVector(draft)
      draft.transact(() => {
        for (const d of chunk) decide(draft, decisionInput(d, deps.catalog), deps.catalog)
      })
      const update = Y.encodeStateAsUpdate(draft, before)
      const verdict = acceptUpdate({
        validator,
        head,
        update,
        context,
        catalog: deps.catalog,
        limits: deps.limits,
      })
      if (!verdict.ok) {
        return {
          kind: 'skipped',
          reason: 'refused',
          detail: `${verdict.reason}: ${verdict.detail}`,
          refusedAs: verdict.reason,
        }
      }
      if (!verdict.changed) throw new Error(`migration update for ${customerId} changed nothing`)
      // Downstream hears of migrated decisions as of any other (DESIGN.md §12).
      const derived = deriveDownstream(verdict.entries, deps.catalog)
      requests.push({
        customerId,
        update,
        meta: {
          receivedAt,
          connectionId: MIGRATION_CONNECTION,
          userId: MIGRATION_USER.id,
          userRole: MIGRATION_USER.role,
          hash: verdict.updateHash,
        },
        entries: verdict.entries,
        expectedSeq: seq,
        ...(derived ? { derived } : {}),
      })
      head = verdict.head
      seq++
    }
    if (!deps.dryRun) {
      const results = await deps.store.append(requests)
      if (results.some((r) => r.behind)) {
        return {
          kind: 'skipped',
          reason: 'changed-meanwhile',
          detail: 'another writer stored a change of this record meanwhile; run the migration again',
        }
      }
    }
    return { kind: 'written', written: fresh.length, alreadyMigrated, updates: requests.length }
  } finally {
    base.destroy()
    draft.destroy()
  }
}

function decisionInput(d: PlannedDecision, catalog: PurposeCatalog) {
  const purpose = findPurpose(catalog, d.purposeId)
  if (!purpose) throw new Error(`planned decision ${d.id} names purpose ${d.purposeId}, not in the catalog`)
  return {
    id: d.id,
    purposeId: d.purposeId,
    state: d.state,
    actor: { id: MIGRATION_USER.id, role: 'csr' as const },
    channel: 'import' as const,
    // The text in force now: the legacy service kept no notice versions to name instead.
    noticeVersion: purpose.version,
    evidence: d.evidence,
    at: d.at,
  }
}

/**
 * New decisions must not override what the record holds: for each purpose they touch, every held
 * decision must be one this export plans (an earlier run's), and all of those come before them.
 */
function overridesHeld(
  planned: readonly PlannedDecision[],
  held: readonly Decision[],
  heldIds: ReadonlySet<string>,
): CustomerOutcome | null {
  const plannedIds = new Set(planned.map((d) => d.id))
  const touched = new Set(planned.filter((d) => !heldIds.has(d.id)).map((d) => d.purposeId))
  for (const d of held) {
    if (touched.has(d.purposeId) && !plannedIds.has(d.id)) {
      return {
        kind: 'skipped',
        reason: 'decided-since',
        detail: `the record already holds decision ${d.id} on ${d.purposeId} (${d.channel}, ${d.at}) that this export does not hold; the legacy history would override it`,
      }
    }
  }
  for (const purposeId of touched) {
    const mine = planned.filter((d) => d.purposeId === purposeId)
    const lastHeld = mine.findLastIndex((d) => heldIds.has(d.id))
    const firstFresh = mine.findIndex((d) => !heldIds.has(d.id))
    if (lastHeld > firstFresh) {
      return {
        kind: 'skipped',
        reason: 'history-changed',
        detail: `legacy record ${mine[firstFresh]!.source.recordId} on ${purposeId} comes before records migrated earlier; the export's history changed since`,
      }
    }
  }
  return null
}

/** The decisions in updates within the count limit and a share of the byte limit. */
function* chunks(decisions: readonly PlannedDecision[], limits: Limits): Generator<PlannedDecision[]> {
  const maxCount = Math.max(1, Math.min(limits.maxDecisionsPerUpdate, 100))
  const maxBytes = limits.maxUpdateBytes * UPDATE_BUDGET
  let chunk: PlannedDecision[] = []
  let bytes = 0
  for (const d of decisions) {
    // A decision's JSON with room for its supersedes and actor: what the update will carry of it.
    const size = JSON.stringify(d).length + 200
    if (chunk.length > 0 && (chunk.length >= maxCount || bytes + size > maxBytes)) {
      yield chunk
      chunk = []
      bytes = 0
    }
    chunk.push(d)
    bytes += size
  }
  if (chunk.length > 0) yield chunk
}
