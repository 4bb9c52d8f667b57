import { useCallback, useEffect, useRef, useState } from 'react'
import { useSession } from './SessionContext'
import { refusalText } from './useAccounts'

export interface AdminList<T> {
  items: T[]
  loading: boolean
  error: string | null
  /** Fetches the list again (after a change the screen made). */
  reload(): void
}

/**
 * A list an admin screen shows (accounts, webhook endpoints): fetched from `path`, its items taken
 * out of the answer by `pick`, fetched again on `reload`. Only the newest request may write; an
 * older one that answers late is dropped.
 */
export function useAdminList<T, B>(path: string, pick: (body: B) => T[]): AdminList<T> {
  const { getJson } = useSession()
  const [list, setList] = useState<Omit<AdminList<T>, 'reload'>>({ items: [], loading: true, error: null })
  const [reloads, setReloads] = useState(0)
  const generation = useRef(0)
  const picker = useRef(pick)
  picker.current = pick

  // biome-ignore lint/correctness/useExhaustiveDependencies: reloads is the trigger
  useEffect(() => {
    const mine = ++generation.current
    setList((v) => ({ ...v, loading: true }))
    getJson<B>(path).then((res) => {
      if (mine !== generation.current) return
      setList(
        res.ok
          ? { items: picker.current(res.value), loading: false, error: null }
          : { items: [], loading: false, error: refusalText(res.message, res.reason) },
      )
    })
  }, [getJson, path, reloads])

  const reload = useCallback(() => setReloads((n) => n + 1), [])
  return { ...list, reload }
}
