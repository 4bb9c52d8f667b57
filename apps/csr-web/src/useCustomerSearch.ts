import { useEffect, useState } from 'react'
import { queryString } from './apiRequest'
import type { Customer } from './customer'
import { useSession } from './SessionContext'
import { useDebounced } from './useDebounced'

export type SearchState =
  | { kind: 'idle' }
  | { kind: 'searching' }
  | { kind: 'done'; customers: Customer[] }
  | { kind: 'failed'; message: string }

const DEBOUNCE_MS = 250

/** Customers matching `query` by id, name or phone, asked for once typing pauses. */
export function useCustomerSearch(query: string): SearchState {
  const { getJson } = useSession()
  const settled = useDebounced(query.trim(), DEBOUNCE_MS)
  const [state, setState] = useState<SearchState>({ kind: 'idle' })

  useEffect(() => {
    if (settled === '') {
      setState({ kind: 'idle' })
      return
    }
    let live = true
    setState({ kind: 'searching' })
    getJson<{ customers: Customer[] }>(`/api/customers${queryString({ q: settled, limit: 20 })}`).then(
      (res) => {
        if (!live) return
        setState(
          res.ok
            ? { kind: 'done', customers: res.value.customers }
            : { kind: 'failed', message: res.message },
        )
      },
    )
    return () => {
      live = false
    }
  }, [settled, getJson])

  return state
}
