/**
 * The customer directory at size: writes a seeded CSV of `--rows` customers (default 1 000 000) in
 * a temp dir, imports it into a fresh SQLite store (all or nothing, one transaction), imports it
 * again (every row unchanged), then times 1000 searches of each kind an agent makes.
 *
 *   npx tsx bench/directory.ts [--rows 1000000] [--searches 1000] [--keep] [--store sqlite|postgres]
 *
 * `--store postgres` uses a fresh schema of DATABASE_URL (default the local test database), dropped after.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { createPostgresStore, createSqliteStore } from '@consent-sync/server'
import { dropSchema, freshSchema, POSTGRES_URL } from '@consent-sync/server/testing'
// The file import is not on the server's public door (src/index.ts) yet; the bench runs the sources.
import { importCustomerFile } from '../apps/server/src/directory/import'
import { customerAt, seeded, writeCustomerCsv } from './directory-data'
import { summarize } from './lib/stats'

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    searches: { type: 'string', default: '1000' },
    keep: { type: 'boolean', default: false },
    store: { type: 'string', default: 'sqlite' },
  },
})
const rows = Number(values.rows)
const searches = Number(values.searches)
const log = (line: string) => process.stderr.write(`${line}\n`)

const dir = await mkdtemp(path.join(tmpdir(), 'consent-directory-bench-'))
const csv = path.join(dir, 'customers.csv')
const db = path.join(dir, 'consent.db')
const t = performance.now()
await writeCustomerCsv(csv, rows)
log(
  `wrote ${rows} rows (${((await stat(csv)).size / 1e6).toFixed(1)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
)

const schema = values.store === 'postgres' ? freshSchema() : undefined
const store =
  schema === undefined
    ? createSqliteStore({ path: db })
    : createPostgresStore({ connectionString: POSTGRES_URL, schema, statementTimeoutMs: 60_000 })
await store.migrate()
const seconds = (since: number) => (performance.now() - since) / 1000
const importOnce = async () => {
  const started = performance.now()
  const report = await importCustomerFile({
    store,
    path: csv,
    format: 'csv',
    onProgress: (p) => {
      if (p.rows % 200_000 === 0) log(`  ${p.phase} ${p.rows} rows, ${seconds(started).toFixed(1)} s`)
    },
  })
  if (!report.ok) throw new Error(`refused: ${JSON.stringify(report.problems.slice(0, 5))}`)
  return { seconds: seconds(started), counts: report.counts }
}
let peakRss = 0
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
}, 100)
const first = await importOnce()
log(`import: ${first.seconds.toFixed(1)} s ${JSON.stringify(first.counts)}`)
const again = await importOnce()
clearInterval(sampler)
log(`re-import: ${again.seconds.toFixed(1)} s ${JSON.stringify(again.counts)}`)

// The queries, from customers the file holds (seeded, so each run asks the same).
const pick = seeded(7)
const anyone = () => {
  const i = Math.floor(pick() * rows)
  return customerAt(seeded(42 + i), i)
}
/** A query, and the customer it was made from (who should be among the answers). */
type Ask = { q: string; id?: string }
const from = (make: (c: ReturnType<typeof anyone>) => string) => (): Ask => {
  const c = anyone()
  return { q: make(c), id: c.id }
}
const kinds: Record<string, () => Ask> = {
  'phone, national (0771234567)': from((c) => c.national),
  'phone, +94 with spaces': from(
    (c) => `+94 ${c.national.slice(1, 3)} ${c.national.slice(3, 6)} ${c.national.slice(6)}`,
  ),
  'phone, last 6 digits': from((c) => c.national.slice(-6)),
  'id, exact': from((c) => c.id),
  'id, prefix (C-00012)': () => ({ q: anyone().id.slice(0, 7) }),
  'name, surname': from((c) => c.name.split(' ')[1]!),
  'name, first and surname': from((c) => c.name),
  'name, surname prefix (4 letters)': () => ({ q: anyone().name.split(' ')[1]!.slice(0, 4) }),
  'no match (substring scan, bounded)': () => ({ q: `zq${Math.floor(pick() * 1000)}x` }),
}
const LIMIT = 20
const table: string[] = [
  '| search | count | p50 ms | p99 ms | max ms | mean hits | the customer asked for found (or a full page) |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
]
const all: number[] = []
for (const [kind, ask] of Object.entries(kinds)) {
  const samples: number[] = []
  let hits = 0
  let asked = 0
  let found = 0
  for (let i = 0; i < searches; i++) {
    const { q, id } = ask()
    const started = performance.now()
    const answer = await store.searchCustomers(q, LIMIT)
    samples.push(performance.now() - started)
    hits += answer.length
    if (id !== undefined) {
      asked++
      if (answer.length === LIMIT || answer.some((c) => c.id === id)) found++
    }
  }
  if (!kind.startsWith('no match')) all.push(...samples)
  const s = summarize(samples)
  const recall = asked > 0 ? `${((100 * found) / asked).toFixed(1)} %` : '–'
  table.push(
    `| ${kind} | ${s.count} | ${s.p50} | ${s.p99} | ${s.max} | ${(hits / searches).toFixed(1)} | ${recall} |`,
  )
}
const s = summarize(all)
table.push(`| **all but no match** | ${s.count} | ${s.p50} | ${s.p99} | ${s.max} | | |`)
await store.close()
const size = schema === undefined ? (await stat(db)).size : 0
if (schema !== undefined) await dropSchema(schema)
if (!values.keep) await rm(dir, { recursive: true, force: true })

console.log(
  `rows: ${rows}; ${schema === undefined ? `SQLite file ${(size / 1e6).toFixed(0)} MB` : `PostgreSQL schema ${schema}`}${values.keep ? ` (kept in ${dir})` : ''}`,
)
console.log(
  `import (check + write, one transaction): ${first.seconds.toFixed(1)} s, ${Math.round(rows / first.seconds)} rows/s, ${JSON.stringify(first.counts)}`,
)
console.log(`peak resident memory during the imports: ${(peakRss / 1e6).toFixed(0)} MB`)
console.log(`re-import of the same file: ${again.seconds.toFixed(1)} s, ${JSON.stringify(again.counts)}`)
console.log()
console.log(table.join('\n'))
