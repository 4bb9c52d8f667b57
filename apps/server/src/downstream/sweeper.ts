import { findPurpose, isRetired, type PurposeCatalog } from '@consent-sync/consent-core'
import type { ConsentStateStore, EffectiveChange, SweepQuery } from '../store/outbox'
import { sweptEventId } from './derive'
import { readRow } from './effective'

/** Rows read and changed per transaction. */
export const SWEEP_BATCH = 500

/** Batches one run goes through at most; the next run goes on. */
const MAX_BATCHES_PER_RUN = 200

/**
 * The versions whose grants the catalog voids (consent-core SPEC 3.8–3.10): every version of a
 * retired purpose, else those older than its newest material version that requires re-consent.
 */
export function voidedVersions(catalog: PurposeCatalog): SweepQuery['voided'] {
  const voided: SweepQuery['voided'] = []
  for (const p of catalog.purposes) {
    if (isRetired(p)) {
      voided.push({ purposeId: p.id, versions: null })
      continue
    }
    const versions = p.versions ?? []
    const required = versions.findIndex((v) => v.material && v.reconsent === 'required')
    if (required >= 0 && required < versions.length - 1) {
      voided.push({ purposeId: p.id, versions: versions.slice(required + 1).map((v) => v.version) })
    }
  }
  return voided
}

export interface SweeperDeps {
  store: Pick<ConsentStateStore, 'dueConsentStates' | 'applyEffectiveChanges'>
  catalog: { current(): PurposeCatalog }
  /** ms since the epoch. */
  now: () => number
}

/**
 * One sweep (DESIGN.md §12): every row whose grant expired by now or that the live catalog voids
 * becomes effectively withdrawn, with its `consent.changed`, one transaction per batch. Each change
 * applies only while its row is where it was read, so instances sweeping at once apply it once.
 * Returns how many rows changed.
 */
export async function sweepOnce(deps: SweeperDeps, batch = SWEEP_BATCH): Promise<number> {
  let applied = 0
  for (let i = 0; i < MAX_BATCHES_PER_RUN; i++) {
    const catalog = deps.catalog.current()
    const nowMs = deps.now()
    const now = new Date(nowMs).toISOString()
    const due = await deps.store.dueConsentStates({ now, voided: voidedVersions(catalog), limit: batch })
    const changes: EffectiveChange[] = []
    for (const row of due) {
      const reading = readRow(row, findPurpose(catalog, row.purposeId), nowMs)
      if (reading.effectiveState !== 'withdrawn' || !reading.voidedBy) continue
      changes.push({
        customerId: row.customerId,
        purposeId: row.purposeId,
        expectChangeSeq: row.changeSeq,
        effectiveState: 'withdrawn',
        event: {
          id: sweptEventId(row.customerId, row.purposeId, row.changeSeq),
          type: 'consent.changed',
          customerId: row.customerId,
          purposeId: row.purposeId,
          createdAt: now,
          data: {
            customerId: row.customerId,
            purposeId: row.purposeId,
            state: row.state,
            previousEffectiveState: 'granted',
            effectiveState: 'withdrawn',
            conflicted: row.conflicted,
            reason: reading.voidedBy,
            at: now,
            noticeVersion: row.noticeVersion,
            expiresAt: row.expiresAt,
          },
        },
      })
    }
    if (changes.length > 0) applied += await deps.store.applyEffectiveChanges(changes)
    // Rows that were due but did not change (another instance had them) are not read again forever.
    if (due.length < batch || changes.length === 0) break
  }
  return applied
}

/**
 * Sweeps every `intervalMs` (0: never), one run at a time; a failed run is logged and the next
 * one tries again. Returns the stop.
 */
export function startSweeper(
  deps: SweeperDeps,
  intervalMs: number,
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void },
): () => void {
  if (intervalMs <= 0) return () => {}
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    sweepOnce(deps)
      .then((changed) => {
        if (changed > 0) log.info({ changed }, 'consents expired or voided')
      })
      .catch((err: unknown) => log.warn({ err }, 'sweeping expired and voided consents failed'))
      .finally(() => {
        running = false
      })
  }, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
