import { AUDIT_CSV_HEADER, type AuditEntry, type ExportFormat, exportLine } from '@consent-sync/consent-core'

/** The export as text chunks, one per entry (after a header row for CSV); formats are consent-core's. */
export async function* exportLines(
  entries: AsyncIterable<AuditEntry>,
  format: ExportFormat,
): AsyncGenerator<string> {
  if (format === 'csv') yield AUDIT_CSV_HEADER
  for await (const entry of entries) yield exportLine(entry, format)
}
