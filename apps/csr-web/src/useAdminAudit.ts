import type { AdminAuditEntry } from '@consent-sync/ui'
import { useEffect, useRef, useState } from 'react'
import { useSession } from './SessionContext'

export interface AdminAuditView {
  /** Newest first. */
  entries: AdminAuditEntry[]
  loading: boolean
  error: string | null
}

/** `GET /api/admin/audit`, newest first; `refreshKey` changing (a publish, a retirement) reloads it. */
export function useAdminAudit(refreshKey: unknown): AdminAuditView {
  const { getJson } = useSession()
  const [view, setView] = useState<AdminAuditView>({ entries: [], loading: true, error: null })
  // Only the newest request may write; an older one that answers late is dropped.
  const generation = useRef(0)
  // biome-ignore lint/correctness/useExhaustiveDependencies: refreshKey is the trigger
  useEffect(() => {
    const mine = ++generation.current
    setView((v) => ({ ...v, loading: true }))
    getJson<{ entries: AdminAuditEntry[] }>('/api/admin/audit').then((res) => {
      if (mine !== generation.current) return
      setView(
        res.ok
          ? { entries: [...res.value.entries].sort((a, b) => b.seq - a.seq), loading: false, error: null }
          : { entries: [], loading: false, error: res.message },
      )
    })
  }, [getJson, refreshKey])
  return view
}
