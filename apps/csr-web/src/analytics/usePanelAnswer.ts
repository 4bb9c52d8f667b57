import { useCallback, useEffect, useRef, useState } from 'react'
import type { ApiRefusal } from '../apiRequest'
import { useSession } from '../SessionContext'

export interface PanelAnswer<T> {
  /** The newest answer; kept while a refetch is under way (no flicker), dropped on a refusal. */
  answer: T | null
  /** A request is under way (the first one, or a refetch). */
  loading: boolean
  error: ApiRefusal | null
  /** Decisions arrived that this panel has not asked about yet (it is off screen). */
  stale: boolean
  retry(): void
}

/**
 * One panel's answer from `path` (null: nothing to ask yet). It asks again when the path changes,
 * on `retry`, and when `liveTick` grows — at once when the panel is `visible`, otherwise as soon as
 * it scrolls into view. Only the newest request may write: a late older answer is dropped.
 */
export function usePanelAnswer<T>(path: string | null, liveTick: number, visible: boolean): PanelAnswer<T> {
  const { getJson } = useSession()
  const [state, setState] = useState<Omit<PanelAnswer<T>, 'retry' | 'stale'>>({
    answer: null,
    loading: true,
    error: null,
  })
  const [retries, setRetries] = useState(0)
  const generation = useRef(0)
  // The live tick this panel has fetched for: a hidden panel catches up when it is shown.
  const [fetchedTick, setFetchedTick] = useState(liveTick)
  const wanted = visible ? liveTick : fetchedTick

  // biome-ignore lint/correctness/useExhaustiveDependencies: retries and wanted are triggers
  useEffect(() => {
    const mine = ++generation.current
    if (path === null) {
      setState({ answer: null, loading: false, error: null })
      return
    }
    setState((s) => ({ ...s, loading: true }))
    setFetchedTick(wanted)
    getJson<T>(path).then((res) => {
      if (mine !== generation.current) return
      // After a refusal the old figures are not shown: they answered another question.
      setState(
        res.ok
          ? { answer: res.value, loading: false, error: null }
          : { answer: null, loading: false, error: res },
      )
    })
  }, [getJson, path, retries, wanted])

  const retry = useCallback(() => setRetries((n) => n + 1), [])
  return { ...state, stale: path !== null && fetchedTick !== liveTick, retry }
}
