import type { AuditEntry } from '@consent-sync/consent-core'
import { useEffect, useState } from 'react'
import { useSession } from './SessionContext'

/** One purpose's row of `GET /api/customers/:id/consents?at=`, as the "as of" table shows it. */
export interface PurposeThen {
  purposeId: string
  state: 'granted' | 'withdrawn'
  effectiveState: 'granted' | 'withdrawn'
  conflicted: boolean
  noticeVersion: string | null
  expired: boolean
  needsReconsent: boolean
}

export interface ConsentsThen {
  at: string
  purposes: PurposeThen[]
  decisions: AuditEntry[]
}

export type ConsentsAtView =
  | { kind: 'off' }
  | { kind: 'loading' }
  | { kind: 'loaded'; value: ConsentsThen }
  | { kind: 'failed'; message: string }

/** The customer's consents at `at` (RFC 3339), from the server; `off` without an instant. */
export function useConsentsAt(customerId: string, at: string | undefined): ConsentsAtView {
  const { getJson } = useSession()
  const [view, setView] = useState<ConsentsAtView>({ kind: 'off' })
  useEffect(() => {
    if (at === undefined) {
      setView({ kind: 'off' })
      return
    }
    let live = true
    setView({ kind: 'loading' })
    getJson<ConsentsThen>(
      `/api/customers/${encodeURIComponent(customerId)}/consents?at=${encodeURIComponent(at)}`,
    ).then((res) => {
      if (!live) return
      setView(res.ok ? { kind: 'loaded', value: res.value } : { kind: 'failed', message: res.message })
    })
    return () => {
      live = false
    }
  }, [customerId, at, getJson])
  return view
}
