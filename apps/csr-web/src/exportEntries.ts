import type { AuditEntry } from '@consent-sync/consent-core'

export type ExportFormat = 'jsonl' | 'csv'

export const EXPORT_TYPE: Readonly<Record<ExportFormat, string>> = {
  jsonl: 'application/x-ndjson',
  csv: 'text/csv',
}

/** The columns of the server's CSV export (apps/server/src/audit/export.ts), in its order, so both files match. */
export const CSV_COLUMNS = [
  'customerId',
  'seq',
  'purposeId',
  'decisionId',
  'decision',
  'previousState',
  'newState',
  'conflicted',
  'actorId',
  'actorRole',
  'channel',
  'noticeVersion',
  'evidence',
  'deviceAt',
  'receivedAt',
  'connectionId',
  'updateHash',
  'prevHash',
  'hash',
] as const satisfies readonly (keyof AuditEntry)[]

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; null is empty. */
function csvField(value: string | number | boolean | null): string {
  if (value === null) return ''
  const s = String(value)
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

/** The entries as the server would export them: JSON Lines, or CSV with a header row and CRLF rows. */
export function exportEntries(entries: readonly AuditEntry[], format: ExportFormat): string {
  if (format === 'jsonl') return entries.map((e) => `${JSON.stringify(e)}\n`).join('')
  const rows = entries.map((e) => `${CSV_COLUMNS.map((c) => csvField(e[c])).join(',')}\r\n`)
  return `${CSV_COLUMNS.join(',')}\r\n${rows.join('')}`
}

/** `consent-audit-C-0001-2026-11-02.csv`, as the server names its exports. */
export function exportFileName(format: ExportFormat, customerId: string, now = new Date()): string {
  return `consent-audit-${customerId.replace(/[^A-Za-z0-9._-]/g, '_')}-${now.toISOString().slice(0, 10)}.${format}`
}
