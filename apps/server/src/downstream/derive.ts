import { type AuditEntry, findPurpose, type PurposeCatalog } from '@consent-sync/consent-core'
import type { DerivedState, DerivedWrites, OutboxEvent } from '../store/outbox'
import { effectiveDefault, readRow } from './effective'

/** The `decision.accepted` event of a customer's audit entry: one per entry, ever. */
export const decisionEventId = (customerId: string, auditSeq: number) => `evt_${customerId}_${auditSeq}`

/** The `consent.changed` event a decision made (at most one per entry). */
export const changedEventId = (customerId: string, auditSeq: number) =>
  `evt_${customerId}_${auditSeq}_changed`

/** The sweeper's `consent.changed` for a row at a change marker: one per row state, whoever sweeps. */
export const sweptEventId = (customerId: string, purposeId: string, changeSeq: number) =>
  `evt_${customerId}_${purposeId}_${changeSeq}_swept`

type NewEvent = Omit<OutboxEvent, 'seq'>

/**
 * What accepted entries change downstream (DESIGN.md §12): a `decision.accepted` per entry, and
 * per purpose the current-state row after the update with its `consent.changed`, which the store
 * writes only if the effective state differs from the one it holds. Judged under `catalog` at each
 * entry's receive time. Pure: the store assigns seqs in the append's transaction.
 */
export function deriveDownstream(
  entries: readonly AuditEntry[],
  catalog: PurposeCatalog,
): DerivedWrites | undefined {
  if (entries.length === 0) return undefined
  const events: NewEvent[] = []
  const last = new Map<string, { entry: AuditEntry; index: number; reading: ReturnType<typeof readRow> }>()
  for (const e of entries) {
    const purpose = findPurpose(catalog, e.purposeId)
    const row = {
      purposeId: e.purposeId,
      state: e.newState,
      conflicted: e.conflicted,
      noticeVersion: e.noticeVersion,
      decidedAt: e.receivedAt,
    }
    const reading = readRow(row, purpose, Date.parse(e.receivedAt))
    last.set(e.purposeId, { entry: e, index: events.length, reading })
    events.push({
      id: decisionEventId(e.customerId, e.seq),
      type: 'decision.accepted',
      customerId: e.customerId,
      purposeId: e.purposeId,
      createdAt: e.receivedAt,
      data: {
        customerId: e.customerId,
        purposeId: e.purposeId,
        decisionId: e.decisionId,
        decision: e.decision,
        state: e.newState,
        previousState: e.previousState,
        effectiveState: reading.effectiveState,
        conflicted: e.conflicted,
        actor: { id: e.actorId, role: e.actorRole },
        channel: e.channel,
        noticeVersion: e.noticeVersion,
        ...(e.noticeHash !== undefined ? { noticeHash: e.noticeHash } : {}),
        receivedAt: e.receivedAt,
        seq: e.seq,
      },
    })
  }
  const states: DerivedState[] = []
  for (const { entry: e, index, reading } of last.values()) {
    const purpose = findPurpose(catalog, e.purposeId)
    states.push({
      row: {
        customerId: e.customerId,
        purposeId: e.purposeId,
        state: e.newState,
        conflicted: e.conflicted,
        noticeVersion: e.noticeVersion,
        decidedAt: e.receivedAt,
        effectiveState: reading.effectiveState,
        expiresAt: reading.expiresAt ?? null,
      },
      eventIndex: index,
      effectiveWithoutRow: purpose ? effectiveDefault(purpose) : 'withdrawn',
      changed: {
        id: changedEventId(e.customerId, e.seq),
        type: 'consent.changed',
        customerId: e.customerId,
        purposeId: e.purposeId,
        createdAt: e.receivedAt,
        data: {
          customerId: e.customerId,
          purposeId: e.purposeId,
          state: e.newState,
          previousState: e.previousState,
          effectiveState: reading.effectiveState,
          conflicted: e.conflicted,
          reason: 'decision',
          at: e.receivedAt,
          decisionId: e.decisionId,
          channel: e.channel,
          noticeVersion: e.noticeVersion,
          expiresAt: reading.expiresAt ?? null,
          seq: e.seq,
        },
      },
    })
  }
  return { states, events }
}
