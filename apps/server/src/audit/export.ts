import type { AuditEntry } from '@consent-sync/consent-core'

export type ExportFormat = 'jsonl' | 'csv'

export const EXPORT_FORMATS: readonly ExportFormat[] = ['jsonl', 'csv']

export const EXPORT_CONTENT_TYPE: Readonly<Record<ExportFormat, string>> = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
}

/** Every field of an audit entry, in the order of the CSV columns. */
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
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return ''
  const s = String(value)
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

export function csvRow(entry: AuditEntry): string {
  return `${CSV_COLUMNS.map((c) => csvField(entry[c])).join(',')}\r\n`
}

/** The export as text chunks, one per entry (after a header row for CSV). */
export async function* exportLines(
  entries: AsyncIterable<AuditEntry>,
  format: ExportFormat,
): AsyncGenerator<string> {
  if (format === 'csv') yield `${CSV_COLUMNS.join(',')}\r\n`
  for await (const entry of entries) {
    yield format === 'csv' ? csvRow(entry) : `${JSON.stringify(entry)}\n`
  }
}

/** A file name for an export made now: `consent-audit-C-0001-2026-11-02.csv`. */
export function exportFileName(format: ExportFormat, customerId?: string, now = new Date()): string {
  const scope = customerId ? `-${customerId.replace(/[^A-Za-z0-9._-]/g, '_')}` : ''
  return `consent-audit${scope}-${now.toISOString().slice(0, 10)}.${format}`
}
