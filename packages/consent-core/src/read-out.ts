import { isRetired, type Purpose, versionOf } from './catalog'
import type { PurposeState } from './fold'
import type { ReconsentPolicy } from './notice-version'
import type { DecisionState } from './types'

const DAY_MS = 24 * 60 * 60 * 1000

/** What a purpose's folded state means today, under its catalog (SPEC 3.8–3.10). */
export interface PurposeReadOut {
  /** The head is a grant under a version older than the newest material one (SPEC 3.8). */
  needsReconsent: boolean
  /** The policy of the newest material version the grant predates, when it needs re-consent. */
  reconsent?: ReconsentPolicy
  /** When the grant's version has a lifetime: the grant's receive time plus it (SPEC 3.9). */
  expiresAt?: string
  expired: boolean
  /**
   * What downstream systems act on (SPEC 3.10): withdrawn when the folded state is, when the
   * purpose is retired, when the grant expired, or when a material version voids it (`required`).
   */
  effectiveState: DecisionState
}

export interface ReadOutOptions {
  /** The instant to judge expiry at (ms since the epoch); a parameter so tests fix the clock. */
  now: number
  /**
   * The server's receive time of the head decision, from its audit entry. Without it (a client
   * reading its own replica) the decision's device time stands in, for display only.
   */
  receivedAt?: string
}

/** The read-out of one folded purpose; the catalog's `versions` decide, without them nothing changes. */
export function readOut(state: PurposeState, purpose: Purpose, options: ReadOutOptions): PurposeReadOut {
  const head = state.decision
  const retired = isRetired(purpose)
  if (state.state !== 'granted' || !head) {
    // Withdrawn, or the catalog default with nobody having decided.
    const effectiveState = retired ? 'withdrawn' : state.state
    return { needsReconsent: false, expired: false, effectiveState }
  }
  const versions = purpose.versions ?? []
  const at = versions.findIndex((v) => v.version === head.noticeVersion)
  // Newest first: the material versions published after the one the grant was made under.
  const newerMaterial = at < 0 ? [] : versions.slice(0, at).filter((v) => v.material)
  const needsReconsent = newerMaterial.length > 0
  const reconsent = needsReconsent
    ? newerMaterial.some((v) => v.reconsent === 'required')
      ? 'required'
      : 'prompt'
    : undefined
  const lifetimeDays = versionOf(purpose, head.noticeVersion)?.lifetimeDays
  const from = Date.parse(options.receivedAt ?? head.at)
  const expiresAt =
    lifetimeDays !== undefined && Number.isFinite(from)
      ? new Date(from + lifetimeDays * DAY_MS).toISOString()
      : undefined
  const expired = expiresAt !== undefined && Date.parse(expiresAt) <= options.now
  const voided = retired || expired || reconsent === 'required'
  return {
    needsReconsent,
    ...(reconsent ? { reconsent } : {}),
    ...(expiresAt ? { expiresAt } : {}),
    expired,
    effectiveState: voided ? 'withdrawn' : 'granted',
  }
}
