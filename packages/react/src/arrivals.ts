import type { Decision, PurposeState } from '@consent-sync/consent-core'
import type { ConsentHandle, ConsentState } from '@consent-sync/sync-client'
import { useEffect, useRef } from 'react'

/** Feed it each state of a consent store; it answers the decisions that are news since the last call. */
export type ArrivalWatch = (state: Pick<ConsentState, 'synced' | 'history'>) => Decision[]

/**
 * Picks out the decisions worth telling the person at this page: made by someone else (not this
 * user, whichever device), arriving after the page first synced with the server. What the page holds
 * by then, from IndexedDB and the server's catch-up after a load or reload, is history, not news;
 * what comes later is news, live or caught up after a reconnect while the page stayed open.
 * Oldest first.
 */
export function watchArrivals(selfId: string): ArrivalWatch {
  let known: Set<string> | null = null
  return (state) => {
    if (known === null) {
      if (state.synced) known = new Set(state.history.map((d) => d.id))
      return []
    }
    const seen = known
    const fresh = state.history.filter((d) => !seen.has(d.id))
    for (const d of fresh) seen.add(d.id)
    // `history` is newest first.
    return fresh.filter((d) => d.actor.id !== selfId).reverse()
  }
}

/** Told of one decision that is news (see `watchArrivals`), with its purpose's fold now. */
export type OnArrival = (decision: Decision, purpose: PurposeState | undefined) => void

/**
 * Calls `onArrival` for each decision someone else makes while the page is open (which ones:
 * `watchArrivals(selfId)`), oldest first. The latest `onArrival` is called, without re-subscribing:
 * a new subscription would forget what the page has already seen and take the next arrivals for history.
 */
export function useArrivals(handle: ConsentHandle | null, selfId: string, onArrival: OnArrival): void {
  const latest = useRef({ selfId, onArrival })
  useEffect(() => {
    latest.current = { selfId, onArrival }
  })
  useEffect(() => {
    if (!handle) return
    const arrivals = watchArrivals(latest.current.selfId)
    const tell = (state: ConsentState) => {
      for (const decision of arrivals(state)) {
        const purpose = state.purposes.find((p) => p.purposeId === decision.purposeId)
        latest.current.onArrival(decision, purpose)
      }
    }
    tell(handle.store.getState())
    return handle.store.subscribe((state, prev) => {
      if (state.history !== prev.history || state.synced !== prev.synced) tell(state)
    })
  }, [handle])
}
