import type { DecisionState } from '@consent-sync/consent-core'
import { legacyDecisionId } from './decision-id'
import { changeEvidence, consentEvidence } from './evidence'
import type { LegacyChange, LegacyConsent, LegacyRecord } from './legacy-records'
import type { Collection, StagedLine } from './staging'

/** Where a planned decision or a skipped record came from. */
export interface LegacySource {
  collection: Collection
  line: number
  recordId: string
}

/** One decision to write for a customer, in the order it is to be written. */
export interface PlannedDecision {
  id: string
  purposeId: string
  state: DecisionState
  /** The time of the legacy change: shown, as every decision's device time is. */
  at: string
  evidence: string
  source: LegacySource
}

export type RecordSkipReason = 'unknown-purpose'

export interface SkippedRecord extends LegacySource {
  customerId: string
  reason: RecordSkipReason
  detail: string
}

/** Where the consent collection had the last word over the audit log (see `planCustomer`). */
export type NoteKind = 'audit-disagrees' | 'no-audit-history'

export interface PlanNote {
  customerId: string
  purposeId: string
  kind: NoteKind
  detail: string
}

export type CustomerPlan =
  | { ok: true; decisions: PlannedDecision[]; skipped: SkippedRecord[]; notes: PlanNote[] }
  /** A line of the customer's could not be read: the customer is left out whole. */
  | { ok: false; reason: 'bad-line' | 'duplicate-record'; detail: string; lines: number[] }

/** A legacy purpose name as the catalog calls it, or undefined when nobody said. */
export type PurposeResolver = (legacyName: string) => string | undefined

function byTime<T>(at: (r: T) => string, id: (r: T) => string) {
  return (a: T, b: T) => (at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0)
}
const changeOrder = byTime<LegacyChange>(
  (c) => c.timestamp,
  (c) => c._id,
)
const consentOrder = byTime<LegacyConsent>(
  (c) => c.updatedAt,
  (c) => c._id,
)

function fromChange(c: LegacyChange, purposeId: string, line: number): PlannedDecision {
  return {
    id: legacyDecisionId(`audit/${c._id}`),
    purposeId,
    state: c.after,
    at: c.timestamp,
    evidence: changeEvidence(c),
    source: { collection: 'audit', line, recordId: c._id },
  }
}

function fromConsent(
  c: LegacyConsent,
  purposeId: string,
  line: number,
  audit?: { endedAt: DecisionState | null },
): PlannedDecision {
  return {
    // The state and its time name the decision: a later export in which it changed brings a new one.
    id: legacyDecisionId(`consent/${c._id}/${c.updatedAt}/${c.status}`),
    purposeId,
    state: c.status,
    at: c.updatedAt,
    evidence: consentEvidence(c, audit),
    source: { collection: 'consents', line, recordId: c._id },
  }
}

/**
 * One customer's legacy records as the decisions to write, each purpose's in time order (ties by
 * legacy id), each to supersede the one before it.
 *
 * With the audit collection, a purpose's history is its changes. The consent collection is what the
 * old service acted on, so when the changes end in another state than its consent document (or
 * there are none), the document's state is written last, at its `updatedAt`, and a note says so.
 * Without the audit collection only the last state of each document is known: one decision at its
 * `updatedAt`, never an invented grant at `createdAt`.
 */
export function planCustomer(
  customerId: string,
  lines: readonly StagedLine[],
  resolve: PurposeResolver,
  withAudit: boolean,
): CustomerPlan {
  const broken = lines.filter((l) => !l.ok)
  if (broken.length > 0) {
    const first = broken[0]!
    return {
      ok: false,
      reason: 'bad-line',
      detail: `${first.collection} line ${first.line} cannot be read${broken.length > 1 ? ` (and ${broken.length - 1} more)` : ''}`,
      lines: broken.map((l) => l.line),
    }
  }
  const records = lines.flatMap((l) => (l.ok ? [{ line: l.line, record: l.record }] : []))
  const seen = new Map<string, number>()
  for (const { line, record } of records) {
    const key = `${record.kind}/${record._id}`
    const earlier = seen.get(key)
    if (earlier !== undefined) {
      return {
        ok: false,
        reason: 'duplicate-record',
        detail: `record ${record._id} is listed twice (lines ${earlier} and ${line})`,
        lines: [earlier, line],
      }
    }
    seen.set(key, line)
  }

  const skipped: SkippedRecord[] = []
  const byPurpose = new Map<string, { consents: Lined<LegacyConsent>[]; changes: Lined<LegacyChange>[] }>()
  for (const { line, record } of records) {
    const purposeId = resolve(record.purpose)
    if (purposeId === undefined) {
      skipped.push({
        customerId,
        collection: collectionOf(record),
        line,
        recordId: record._id,
        reason: 'unknown-purpose',
        detail: `unknown purpose ${record.purpose}`,
      })
      continue
    }
    let group = byPurpose.get(purposeId)
    if (!group) {
      group = { consents: [], changes: [] }
      byPurpose.set(purposeId, group)
    }
    if (record.kind === 'consent') group.consents.push({ line, record })
    else group.changes.push({ line, record })
  }

  const notes: PlanNote[] = []
  const queues: PlannedDecision[][] = []
  for (const [purposeId, { consents, changes }] of byPurpose) {
    consents.sort((a, b) => consentOrder(a.record, b.record))
    changes.sort((a, b) => changeOrder(a.record, b.record))
    if (!withAudit) {
      queues.push(consents.map((c) => fromConsent(c.record, purposeId, c.line)))
      continue
    }
    const queue = changes.map((c) => fromChange(c.record, purposeId, c.line))
    const latest = consents.at(-1)
    const endedAt = changes.at(-1)?.record.after ?? null
    if (latest && latest.record.status !== endedAt) {
      queue.push(fromConsent(latest.record, purposeId, latest.line, { endedAt }))
      notes.push({
        customerId,
        purposeId,
        kind: endedAt === null ? 'no-audit-history' : 'audit-disagrees',
        detail:
          endedAt === null
            ? `no audit change of ${latest.record.purpose}: its state is taken from consent record ${latest.record._id}`
            : `the audit log of ${latest.record.purpose} ends ${endedAt}, consent record ${latest.record._id} says ${latest.record.status}: written last`,
      })
    }
    queues.push(queue)
  }
  return { ok: true, decisions: mergeInTime(queues), skipped, notes }
}

interface Lined<T> {
  line: number
  record: T
}

function collectionOf(record: LegacyRecord): Collection {
  return record.kind === 'consent' ? 'consents' : 'audit'
}

/**
 * The purposes' queues as one sequence by time (the audit chain then reads in time order), never
 * reordering within a queue: a decision written last because the consent record says so stays last.
 */
function mergeInTime(queues: PlannedDecision[][]): PlannedDecision[] {
  const at = queues.map(() => 0)
  const out: PlannedDecision[] = []
  for (;;) {
    let pick = -1
    for (const [q, queue] of queues.entries()) {
      const d = queue[at[q]!]
      if (!d) continue
      const best = pick < 0 ? undefined : queues[pick]![at[pick]!]!
      if (!best || d.at < best.at || (d.at === best.at && d.source.recordId < best.source.recordId)) pick = q
    }
    if (pick < 0) return out
    out.push(queues[pick]![at[pick]!]!)
    at[pick]!++
  }
}
