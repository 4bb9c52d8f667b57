import { findPurpose, type PurposeCatalog, type PurposeState, readOut } from '@consent-sync/consent-core'
import { useEffect, useState } from 'react'

/** setTimeout's limit (about 24.8 days): a later expiry is waited for in steps. */
const MAX_DELAY = 2 ** 31 - 1

/** The soonest instant after `now` at which one of the grants shown expires, if any. */
export function nextExpiry(
  purposes: readonly PurposeState[],
  catalog: PurposeCatalog,
  now: number,
): number | undefined {
  let soonest: number | undefined
  for (const state of purposes) {
    const purpose = findPurpose(catalog, state.purposeId)
    const at = purpose ? readOut(state, purpose, { now }).expiresAt : undefined
    const ms = at === undefined ? Number.NaN : Date.parse(at)
    if (ms > now && (soonest === undefined || ms < soonest)) soonest = ms
  }
  return soonest
}

/**
 * The instant the page judges grants at (`now` of consent-core `readOut`): it moves on by itself
 * when a grant on show expires, so the row turns to "expired" without a reload.
 */
export function useExpiryClock(purposes: readonly PurposeState[], catalog: PurposeCatalog): number {
  const [now, setNow] = useState(() => Date.now())
  const next = nextExpiry(purposes, catalog, now)
  useEffect(() => {
    if (next === undefined) return
    const timer = setTimeout(
      () => setNow(Date.now()),
      Math.min(MAX_DELAY, Math.max(0, next - Date.now()) + 50),
    )
    return () => clearTimeout(timer)
  }, [next])
  return now
}
