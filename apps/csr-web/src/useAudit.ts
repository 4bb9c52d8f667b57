import type { AuditEntry } from '@consent-sync/consent-core'
import { useCallback, useEffect, useRef, useState } from 'react'
import { type AuditFilter, auditQuery } from './auditFilter'
import { useSession } from './SessionContext'

export interface AuditPage {
  entries: AuditEntry[]
  nextCursor: string | null
}

export const AUDIT_PAGE = 25
const MAX_LIMIT = 500

export interface AuditView {
  entries: AuditEntry[]
  nextCursor: string | null
  loading: boolean
  error: string | null
  loadMore(): void
}

/**
 * The open customer's audit entries, newest first, cursor-paged. `refreshKey` changing (a feed event
 * for this customer) reloads as many entries as are shown, so "load more" pages are not lost.
 */
export function useAudit(customerId: string, filter: AuditFilter, refreshKey: string | undefined): AuditView {
  const { getJson } = useSession()
  const [page, setPage] = useState<AuditPage>({ entries: [], nextCursor: null })
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<string | null>(null)
  const shown = useRef(0)
  shown.current = page.entries.length
  // Only the newest request may write; an older one that answers late is dropped.
  const generation = useRef(0)

  const filterKey = JSON.stringify(filter)
  const lastFilterKey = useRef(filterKey)

  // biome-ignore lint/correctness/useExhaustiveDependencies: refreshKey is the trigger, filterKey stands for filter
  useEffect(() => {
    const sameView = lastFilterKey.current === filterKey
    lastFilterKey.current = filterKey
    const limit = sameView ? Math.min(MAX_LIMIT, Math.max(AUDIT_PAGE, shown.current)) : AUDIT_PAGE
    const mine = ++generation.current
    setLoading(true)
    getJson<AuditPage>(`/api/audit${auditQuery(customerId, filter, { limit })}`).then((res) => {
      if (mine !== generation.current) return
      setLoading(false)
      if (res.ok) {
        setPage(res.value)
        setError(null)
      } else setError(res.message)
    })
  }, [customerId, filterKey, refreshKey, getJson])

  const loadMore = useCallback(() => {
    if (!page.nextCursor) return
    const mine = ++generation.current
    setLoading(true)
    getJson<AuditPage>(
      `/api/audit${auditQuery(customerId, filter, { limit: AUDIT_PAGE, cursor: page.nextCursor })}`,
    ).then((res) => {
      if (mine !== generation.current) return
      setLoading(false)
      if (res.ok) {
        setPage((prev) => ({
          entries: [...prev.entries, ...res.value.entries],
          nextCursor: res.value.nextCursor,
        }))
        setError(null)
      } else setError(res.message)
    })
  }, [customerId, filter, page.nextCursor, getJson])

  return { entries: page.entries, nextCursor: page.nextCursor, loading, error, loadMore }
}
