import type { AuditEntry } from '@consent-sync/consent-core'
import { EXPORT_CONTENT_TYPE, type ExportFormat, exportFileName } from '@consent-sync/consent-core'
import { useCallback, useState } from 'react'
import { type AuditFilter, auditQuery } from './auditFilter'
import { exportEntries } from './exportEntries'
import { useSession } from './SessionContext'
import { fileNameOf, saveFile } from './saveFile'
import type { AuditPage } from './useAudit'

export type ExportResult = { ok: true; count: number | null } | { ok: false; message: string }

/**
 * Exports the open customer's audit trail under the current filter. Administrators get the server's
 * streamed export; agents may not use it (admin only), so their file is built here from every page
 * of `GET /api/audit`, in the same format.
 */
export function useAuditExport(customerId: string, filter: AuditFilter) {
  const { session, request, getJson } = useSession()
  const [busy, setBusy] = useState<ExportFormat | null>(null)

  const fromServer = useCallback(
    async (format: ExportFormat): Promise<ExportResult> => {
      const res = await request(`/api/audit/export${auditQuery(customerId, filter, { format })}`)
      if (!res.ok) return res
      const blob = await res.value.blob()
      saveFile(
        blob,
        fileNameOf(res.value.headers.get('content-disposition')) ?? exportFileName(format, customerId),
      )
      return { ok: true, count: null }
    },
    [customerId, filter, request],
  )

  const inBrowser = useCallback(
    async (format: ExportFormat): Promise<ExportResult> => {
      const entries: AuditEntry[] = []
      let cursor: string | null = null
      do {
        const page: Awaited<ReturnType<typeof getJson<AuditPage>>> = await getJson<AuditPage>(
          `/api/audit${auditQuery(customerId, filter, cursor ? { limit: 500, cursor } : { limit: 500 })}`,
        )
        if (!page.ok) return page
        entries.push(...page.value.entries)
        cursor = page.value.nextCursor
      } while (cursor !== null)
      const blob = new Blob([exportEntries(entries, format)], {
        type: EXPORT_CONTENT_TYPE[format],
      })
      saveFile(blob, exportFileName(format, customerId))
      return { ok: true, count: entries.length }
    },
    [customerId, filter, getJson],
  )

  const run = useCallback(
    async (format: ExportFormat): Promise<ExportResult> => {
      setBusy(format)
      try {
        return await (session.user.role === 'admin' ? fromServer(format) : inBrowser(format))
      } finally {
        setBusy(null)
      }
    },
    [session.user.role, fromServer, inBrowser],
  )

  return { run, busy }
}
