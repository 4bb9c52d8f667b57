import { useEffect, useRef, useState } from 'react'

/** How long decisions are gathered before the panels ask again: one refetch for a burst. */
export const LIVE_REFRESH_MS = 300

/**
 * A number that grows ~300 ms after the newest feed event changes: the panels refetch on it. The
 * first event of a burst starts the wait and later ones join it, so a steady stream of decisions
 * still refreshes every 300 ms instead of never settling.
 */
export function useLiveRefresh(feedKey: string | undefined, ms = LIVE_REFRESH_MS): number {
  const [tick, setTick] = useState(0)
  const first = useRef(feedKey)
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)

  useEffect(() => {
    // The feed as the screen opened is what the first fetch already includes.
    if (feedKey === first.current || timer.current !== undefined) return
    timer.current = setTimeout(() => {
      timer.current = undefined
      setTick((n) => n + 1)
    }, ms)
  }, [feedKey, ms])

  useEffect(() => () => clearTimeout(timer.current), [])
  return tick
}
