import type { Decision } from '@consent-sync/consent-core'
import type { ConsentState } from '@consent-sync/sync-client'

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
