import { AUDIT_CSV_HEADER, type AuditEntry, type ExportFormat, exportLine } from '@consent-sync/consent-core'

/** The entries exactly as the server exports them (consent-core's formats): JSON Lines, or CSV with a header. */
export function exportEntries(entries: readonly AuditEntry[], format: ExportFormat): string {
  const body = entries.map((e) => exportLine(e, format)).join('')
  return format === 'csv' ? `${AUDIT_CSV_HEADER}${body}` : body
}
