import type { AuditEntry, AuditRecord } from './audit'

/**
 * Every field of an audit entry, in the order of export columns (SPEC 4.1). `noticeHash` came
 * later and is last, so the columns before it keep their places; it is empty for older entries.
 */
export const AUDIT_FIELDS = [
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
  'noticeHash',
] as const satisfies readonly (keyof AuditEntry)[]

/** The fields derived from a decision and its context; seq, prevHash and hash come from the chain. */
export const AUDIT_RECORD_FIELDS = AUDIT_FIELDS.filter(
  (f): f is Exclude<(typeof AUDIT_FIELDS)[number], 'seq' | 'prevHash' | 'hash'> =>
    f !== 'seq' && f !== 'prevHash' && f !== 'hash',
) satisfies readonly (keyof AuditRecord)[]

export type ExportFormat = 'jsonl' | 'csv'
export const EXPORT_FORMATS: readonly ExportFormat[] = ['jsonl', 'csv']

export const EXPORT_CONTENT_TYPE: Readonly<Record<ExportFormat, string>> = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
}

/** First characters that make a spreadsheet read a cell as a formula (OWASP: CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; null is empty.
 * A string a spreadsheet would run (`=1+2`, `-1+2`, `@SUM(1,2)`) gets a leading `'` and is quoted,
 * as OWASP recommends (SPEC 4.4); so does `-1` written as text. Numbers and booleans are data, never
 * formulas, and are written as they are: a negative number stays a number.
 */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return ''
  const s = String(value)
  if (typeof value === 'string' && FORMULA_START.test(s)) return `"'${s.replaceAll('"', '""')}"`
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

export const AUDIT_CSV_HEADER = `${AUDIT_FIELDS.join(',')}\r\n`

/**
 * One exported entry: a JSON line (the entry exactly, so it verifies: no `noticeHash` where it has
 * none), or a CSV row in {@link AUDIT_FIELDS} order, an absent field empty.
 */
export function exportLine(entry: AuditEntry, format: ExportFormat): string {
  return format === 'csv'
    ? `${AUDIT_FIELDS.map((f) => csvField(entry[f] ?? null)).join(',')}\r\n`
    : `${JSON.stringify(entry)}\n`
}

/** A file name for an export made now: `consent-audit-C-0001-2026-11-02.csv`. */
export function exportFileName(format: ExportFormat, customerId?: string, now = new Date()): string {
  const scope = customerId ? `-${customerId.replace(/[^A-Za-z0-9._-]/g, '_')}` : ''
  return `consent-audit${scope}-${now.toISOString().slice(0, 10)}.${format}`
}
