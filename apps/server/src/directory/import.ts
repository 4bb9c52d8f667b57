import type { CustomerRecord, Directory, UpsertCounts } from '../store/directory'
import { type CustomerFileFormat, readCustomerFile } from './customer-file'
import { type CustomerProblem, duplicateIds } from './customer-rules'

/** A refused line of the file: where, and why. */
export interface LineProblem extends CustomerProblem {
  line: number
}

export type ImportReport =
  | { ok: true; rows: number; counts: UpsertCounts }
  | { ok: false; rows: number; problems: LineProblem[] }

/** How far an import is: `checking` reads the whole file first, `writing` stores it. */
export interface ImportProgress {
  phase: 'checking' | 'writing'
  rows: number
}

export interface ImportOptions {
  store: Pick<Directory, 'importCustomers'>
  path: string
  format: CustomerFileFormat
  /** Customers per write inside the one transaction. */
  batchSize?: number
  /** Called every `progressEvery` rows of each phase, and at its end. */
  onProgress?: (progress: ImportProgress) => void
  progressEvery?: number
}

const DEFAULT_BATCH = 5000

/**
 * Imports a customer file all or nothing (DESIGN.md §12 `customers import`). The file is read
 * twice, streaming: first every line is checked (and every id against the earlier ones) without
 * writing anything; only a file without a single refused line is then read again and written, in
 * batches inside one transaction. Storing a customer exactly as stored already changes nothing, so
 * a second run of the same file reports every row unchanged.
 */
export async function importCustomerFile(opts: ImportOptions): Promise<ImportReport> {
  const { path, format, onProgress } = opts
  const every = opts.progressEvery ?? 10_000
  const problems: LineProblem[] = []
  const firstLineOf = duplicateIds<number>()
  let rows = 0
  for await (const r of readCustomerFile(path, format)) {
    if (!r.ok) {
      problems.push({ line: r.line, ...r.problem })
      continue
    }
    rows++
    if (rows % every === 0) onProgress?.({ phase: 'checking', rows })
    const first = firstLineOf(r.value.id, r.line)
    if (first !== undefined) {
      problems.push({
        line: r.line,
        reason: 'duplicate-id',
        field: 'id',
        message: `id ${r.value.id} is on line ${first} and line ${r.line}`,
      })
    }
  }
  onProgress?.({ phase: 'checking', rows })
  if (problems.length > 0) return { ok: false, rows, problems: problems.sort((a, b) => a.line - b.line) }

  const size = opts.batchSize ?? DEFAULT_BATCH
  let written = 0
  onProgress?.({ phase: 'writing', rows: 0 })
  async function* batches(): AsyncGenerator<CustomerRecord[]> {
    let batch: CustomerRecord[] = []
    for await (const r of readCustomerFile(path, format)) {
      // The file changed since it was checked: the transaction rolls back.
      if (!r.ok) throw new Error(`${path}:${r.line} changed while it was imported: ${r.problem.message}`)
      batch.push(r.value)
      if (batch.length === size) {
        yield batch
        written += batch.length
        if (written % every < size) onProgress?.({ phase: 'writing', rows: written })
        batch = []
      }
    }
    if (batch.length > 0) yield batch
    written += batch.length
    if (written !== rows)
      throw new Error(`${path} changed while it was imported: ${written} rows, not ${rows}`)
  }
  const counts = await opts.store.importCustomers(batches())
  onProgress?.({ phase: 'writing', rows: written })
  return { ok: true, rows, counts }
}
