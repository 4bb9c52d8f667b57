import {
  type DecisionState,
  findPurpose,
  isRetired,
  type Purpose,
  type PurposeCatalog,
  type PurposeState,
  readOut,
} from '@consent-sync/consent-core'
import type { ConsentStateRow } from '../store/outbox'

/** Why a purpose's effective state changed (DESIGN.md §12 `consent.changed`). */
export type ChangeReason = 'decision' | 'expiry' | 'reconsent-required' | 'retired'

/** A purpose's effective state for one customer as of an instant, with what made it so. */
export interface EffectiveReading {
  effectiveState: DecisionState
  expiresAt?: string
  /** Why a grant is not effective; absent when it is, or when the folded state is withdrawn. */
  voidedBy?: Exclude<ChangeReason, 'decision'>
}

type StoredState = Pick<ConsentStateRow, 'purposeId' | 'state' | 'conflicted' | 'noticeVersion' | 'decidedAt'>

/**
 * consent-core's read-out (SPEC 3.8–3.10) of a current-state row: the same rules as
 * `GET /api/customers/:id/consents`, from the row's folded state, notice version and receive time
 * instead of the document.
 */
export function readRow(row: StoredState, purpose: Purpose | undefined, now: number): EffectiveReading {
  if (!purpose) return { effectiveState: row.state }
  const folded: PurposeState = {
    purposeId: row.purposeId,
    state: row.state,
    conflicted: row.conflicted,
    heads: [],
    // Only the version and the time are read: the rest of the head does not change the verdict.
    decision: {
      id: '',
      at: row.decidedAt,
      actor: { id: '', role: 'customer' },
      channel: 'web',
      noticeVersion: row.noticeVersion,
    },
  }
  const r = readOut(folded, purpose, { now, receivedAt: row.decidedAt })
  const reading: EffectiveReading = { effectiveState: r.effectiveState }
  if (r.expiresAt) reading.expiresAt = r.expiresAt
  if (row.state === 'granted' && r.effectiveState === 'withdrawn') {
    reading.voidedBy = isRetired(purpose)
      ? 'retired'
      : r.reconsent === 'required'
        ? 'reconsent-required'
        : 'expiry'
  }
  return reading
}

/** The effective state of a customer who never decided: the catalog default, withdrawn once retired. */
export function effectiveDefault(purpose: Purpose): DecisionState {
  return isRetired(purpose) ? 'withdrawn' : purpose.default
}

/**
 * A stored row's effective state now: withdrawn once announced so (the sweeper), else what the
 * live catalog and the clock say, so a list or a check never waits for the sweeper.
 */
export function effectiveNow(row: ConsentStateRow, catalog: PurposeCatalog, now: number): EffectiveReading {
  const reading = readRow(row, findPurpose(catalog, row.purposeId), now)
  if (row.effectiveState === 'withdrawn') return { ...reading, effectiveState: 'withdrawn' }
  return reading
}
