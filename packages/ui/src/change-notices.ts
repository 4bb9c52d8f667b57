import type { ConsentHandle, ConsentState } from '@consent-sync/sync-client'
import { useEffect, useRef } from 'react'
import { watchArrivals } from './arrivals'
import { type ChangeContext, describeChange } from './describe'
import { useToast } from './Toast'

/**
 * Tells the person at this page, in a toast of kind `change`, of each decision someone else makes
 * while the page is open (which ones: `watchArrivals`). A conflict it leaves is announced at once.
 */
export function useChangeNotices(handle: ConsentHandle | null, context: ChangeContext): void {
  const toast = useToast()
  // The latest language and names, without re-subscribing: a new subscription would forget what
  // the page has already seen and take the next arrivals for history.
  const latest = useRef(context)
  useEffect(() => {
    latest.current = context
  })
  useEffect(() => {
    if (!handle) return
    const arrivals = watchArrivals(latest.current.selfId)
    const tell = (state: ConsentState) => {
      for (const decision of arrivals(state)) {
        const ctx = latest.current
        const purpose = state.purposes.find((p) => p.purposeId === decision.purposeId)
        const notice = describeChange(decision, purpose, ctx)
        toast(notice.text, 'change', { lang: ctx.lang, urgent: notice.urgent })
      }
    }
    tell(handle.store.getState())
    return handle.store.subscribe((state, prev) => {
      if (state.history !== prev.history || state.synced !== prev.synced) tell(state)
    })
  }, [handle, toast])
}
