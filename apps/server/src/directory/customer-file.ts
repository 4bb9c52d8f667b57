import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { parse } from 'csv-parse'
import { type CustomerCheck, type CustomerProblem, checkCustomer, customerField } from './customer-rules'

/**
 * A customer file read line by line, never whole: CSV (RFC 4180: a header row of id, name, phone
 * and optionally email and accountNumber or account_number; quoted fields with commas, quotes and
 * line breaks; CRLF or LF; a UTF-8 BOM) or JSON Lines (one object a line).
 */
export type CustomerFileFormat = 'csv' | 'jsonl'

/** One record of the file, checked: where it starts, and the customer or why not. */
export type FileRecord = { line: number } & CustomerCheck

/** The format a file's extension names, if it names one. */
export function formatOf(path: string): CustomerFileFormat | undefined {
  const ext = path.toLowerCase().split('.').pop()
  if (ext === 'csv') return 'csv'
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl'
  return undefined
}

const problemAt = (line: number, problem: CustomerProblem): FileRecord => ({ line, ok: false, problem })
const headerProblem = (field: string, message: string): CustomerProblem => ({
  reason: 'bad-header',
  field,
  message,
})

const REQUIRED = ['id', 'name', 'phone'] as const

/** The header's field for each column, or what is wrong with it. */
function csvColumns(
  header: readonly string[],
): { ok: true; columns: string[] } | { ok: false; problem: CustomerProblem } {
  const columns = header.map((h) => h.trim())
  for (const c of columns) {
    if (!customerField(c)) {
      return {
        ok: false,
        problem: headerProblem(
          c,
          `unknown column ${JSON.stringify(c)}: the header names id, name, phone[, email][, accountNumber]`,
        ),
      }
    }
  }
  const fields = columns.map((c) => customerField(c))
  for (const r of REQUIRED) {
    if (!fields.includes(r)) return { ok: false, problem: headerProblem(r, `the header has no ${r} column`) }
  }
  if (new Set(fields).size !== fields.length) {
    return { ok: false, problem: headerProblem('header', 'the header names a column twice') }
  }
  return { ok: true, columns }
}

async function* csvRecords(path: string): AsyncGenerator<FileRecord> {
  const parser = parse({
    bom: true,
    info: true,
    raw: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
  })
  const source = createReadStream(path)
  source.on('error', (err) => parser.destroy(err))
  source.pipe(parser)
  // A malformed record (a stray quote) is skipped by the parser and reported here, in line order.
  const skipped: FileRecord[] = []
  parser.on('skip', (err: Error & { lines?: number }) => {
    skipped.push(problemAt(err.lines ?? 0, { reason: 'malformed-line', field: 'line', message: err.message }))
  })
  let columns: string[] | undefined
  for await (const { record, info, raw } of parser as AsyncIterable<{
    record: string[]
    info: { lines: number }
    raw: string
  }>) {
    while (skipped.length > 0) yield skipped.shift() as FileRecord
    // A quoted field may span lines: the record starts where its first line is.
    const line = info.lines - (raw.match(/\n/g)?.length ?? 0) + (raw.endsWith('\n') ? 1 : 0)
    if (!columns) {
      const header = csvColumns(record)
      if (!header.ok) {
        yield problemAt(line, header.problem)
        return
      }
      columns = header.columns
      continue
    }
    if (record.length !== columns.length) {
      yield problemAt(line, {
        reason: 'malformed-line',
        field: 'line',
        message: `${record.length} fields where the header has ${columns.length}`,
      })
      continue
    }
    const fields: Record<string, string> = {}
    columns.forEach((c, i) => {
      fields[c] = record[i] as string
    })
    yield { line, ...checkCustomer(fields) }
  }
  while (skipped.length > 0) yield skipped.shift() as FileRecord
  if (!columns) yield problemAt(1, headerProblem('header', 'the file has no header row'))
}

async function* jsonLines(path: string): AsyncGenerator<FileRecord> {
  const source = createReadStream(path, { encoding: 'utf8' })
  const lines = createInterface({ input: source, crlfDelay: Number.POSITIVE_INFINITY })
  let line = 0
  for await (const text of lines) {
    line++
    const body = line === 1 ? text.replace(/^\ufeff/, '') : text
    if (body.trim() === '') continue
    let value: unknown
    try {
      value = JSON.parse(body)
    } catch (err) {
      yield problemAt(line, {
        reason: 'malformed-line',
        field: 'line',
        message: `not JSON: ${(err as Error).message}`,
      })
      continue
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield problemAt(line, {
        reason: 'malformed-line',
        field: 'line',
        message: 'a line must be one JSON object',
      })
      continue
    }
    yield { line, ...checkCustomer(value as Record<string, unknown>) }
  }
}

/** The file's records in order, each checked on its own (duplicates are the import's to find). */
export function readCustomerFile(path: string, format: CustomerFileFormat): AsyncGenerator<FileRecord> {
  return format === 'csv' ? csvRecords(path) : jsonLines(path)
}
