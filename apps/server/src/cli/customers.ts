import type { Command } from 'commander'
import { Option } from 'commander'
import { type CustomerFileFormat, formatOf } from '../directory/customer-file'
import { type ImportProgress, importCustomerFile } from '../directory/import'
import { type CliHelpers, progressLine } from './helpers'

/** What the customer commands use of the CLI (cli.ts). */
export type CustomerCommandDeps = CliHelpers

/** Refused lines printed at most; the rest are counted. */
const SHOWN_PROBLEMS = 100

/** Rows per second so far, for the progress line. */
function rate(rows: number, startedAt: number): string {
  const seconds = (performance.now() - startedAt) / 1000
  return seconds > 0 ? `${Math.round(rows / seconds).toLocaleString('en')} rows/s` : ''
}

/**
 * On a terminal: one stderr line rewritten in place, at most four times a second. Elsewhere (a
 * pipe, a log, CI) nothing until the summary.
 */
function importProgress(stream: NodeJS.WriteStream): { show: (p: ImportProgress) => void; done: () => void } {
  const line = progressLine(stream)
  let phaseStarted = performance.now()
  let phase: ImportProgress['phase'] = 'checking'
  return {
    show(p) {
      if (p.phase !== phase) {
        phase = p.phase
        phaseStarted = performance.now()
      }
      line.show(() => `${p.phase} ${p.rows.toLocaleString('en')} rows, ${rate(p.rows, phaseStarted)}`)
    },
    done: line.done,
  }
}

async function importCommand(
  deps: CustomerCommandDeps,
  file: string,
  options: { format?: CustomerFileFormat; batchSize: string },
): Promise<void> {
  const format = options.format ?? formatOf(file)
  if (!format)
    deps.fail(
      `customers import: cannot tell the format of ${file}: name it .csv, .jsonl or .ndjson, or pass --format`,
    )
  const batchSize = Number(options.batchSize)
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000)
    deps.fail('--batch-size: a number from 1 to 100000')
  const config = deps.configOrExit()
  const progress = importProgress(process.stderr)
  const startedAt = performance.now()
  let report: Awaited<ReturnType<typeof importCustomerFile>>
  try {
    report = await deps.withStore(config, (store) =>
      importCustomerFile({ store, path: file, format, batchSize, onProgress: progress.show }),
    )
  } catch (err) {
    progress.done()
    const e = err as NodeJS.ErrnoException
    deps.fail(
      e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR'
        ? `customers import: cannot read ${file}: ${e.message}`
        : `customers import: nothing imported: ${e.message}`,
    )
  }
  progress.done()
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1)
  if (!report.ok) {
    for (const p of report.problems.slice(0, SHOWN_PROBLEMS)) {
      process.stderr.write(`${file}:${p.line}: ${p.reason} (${p.field}): ${p.message}\n`)
    }
    const more = report.problems.length - SHOWN_PROBLEMS
    if (more > 0) process.stderr.write(`… and ${more} more refused lines\n`)
    const n = report.problems.length
    deps.fail(`customers import: nothing imported: ${n} refused line${n === 1 ? '' : 's'} in ${file}`)
  }
  const { inserted, updated, unchanged } = report.counts
  deps.out(
    `imported ${file}: ${inserted} inserted, ${updated} updated, ${unchanged} unchanged (${report.rows} rows in ${seconds} s)`,
  )
}

/** `consent-sync customers import FILE` (DESIGN.md §12). */
export function registerCustomerCommands(program: Command, deps: CustomerCommandDeps): void {
  const customers = program.command('customers').description('the customer directory kept in the store')
  customers
    .command('import')
    .description(
      'add or update customers from a CSV (header id,name,phone[,email][,accountNumber]) or JSON Lines file; nothing unless every line is valid',
    )
    .argument('<file>', 'the file: .csv, .jsonl or .ndjson')
    .addOption(
      new Option('--format <format>', 'the format, when the name does not tell it').choices(['csv', 'jsonl']),
    )
    .option('--batch-size <n>', 'customers per write inside the one transaction', '5000')
    .action((file: string, options: { format?: CustomerFileFormat; batchSize: string }) =>
      importCommand(deps, file, options),
    )
}
