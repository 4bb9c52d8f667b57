/**
 * The analytics API at size (/api/analytics/*): a seeded history (bench/analytics-seed.ts: by default
 * 1 000 000 customers, 10 000 000 decisions over 730 days, written straight into a fresh store with
 * the server's own schema), then a real server on that store (the test server, in this process):
 * the roll-up of the whole outbox, which the server starts at boot (the one-time backfill: start →
 * the first answer with nothing `pending`; an answer waits for it only a bounded time), then `--requests`
 * requests of each panel (p50/p95/max), then 1 000 more decisions through the store's real append
 * path and the request that rolls them up (incremental). Each store runs at a tenth of the size and
 * at full size (`--scales`), so how each query scales shows.
 *
 *   npx tsx bench/analytics.ts [--store sqlite|postgres|both] [--customers 1000000] [--entries 10000000]
 *     [--days 730] [--seed 1] [--requests 20] [--scales 0.1,1] [--now ISO] [--keep]
 *     [--database-url postgres://postgres@127.0.0.1:5432/analytics_bench]
 *
 * PostgreSQL: a fresh schema of `--database-url` per run, dropped after (unless --keep).
 * `--prepared-sqlite file` / `--prepared-postgres schema`: the full-size run uses a store seeded
 * beforehand by `bench/analytics-seed.ts` with the same options (its record gives the seeding time).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { DEFAULT_CATALOG, type DecisionState } from '@consent-sync/consent-core'
import { startTestServer } from '@consent-sync/server/testing'
import Database from 'better-sqlite3'
import pg from 'pg'
// Not on the testing door (src/testing/index.ts): the store's real append, as the server makes it.
import { appendDecisions, decision } from '../apps/server/src/testing/decisions'
import {
  customerIdOf,
  dayOf,
  PURPOSES,
  preparedRecordPath,
  readSeedRecord,
  type SeedFigures,
  type SeedOptions,
  seedPostgres,
  seedSqlite,
} from './analytics-seed'
import { seeded as seededRandom } from './directory-data'
import { type Summary, summarize } from './lib/stats'

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'both' },
    customers: { type: 'string', default: '1000000' },
    entries: { type: 'string', default: '10000000' },
    days: { type: 'string', default: '730' },
    seed: { type: 'string', default: '1' },
    requests: { type: 'string', default: '20' },
    scales: { type: 'string', default: '0.1,1' },
    now: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/analytics_bench' },
    /** A store bench/analytics-seed.ts seeded at full size (same options), used instead of seeding one. */
    'prepared-sqlite': { type: 'string' },
    'prepared-postgres': { type: 'string' },
  },
})
const stores =
  values.store === 'both' ? (['sqlite', 'postgres'] as const) : [values.store as 'sqlite' | 'postgres']
for (const s of stores)
  if (s !== 'sqlite' && s !== 'postgres') throw new Error(`--store ${s}: sqlite, postgres or both`)
const customers = Number(values.customers)
const entries = Number(values.entries)
const days = Number(values.days)
const requests = Number(values.requests)
const scales = values.scales.split(',').map(Number)
const databaseUrl = values['database-url']
const prepared = {
  sqlite: values['prepared-sqlite']
    ? {
        where: values['prepared-sqlite'],
        record: await readSeedRecord(preparedRecordPath('sqlite', values['prepared-sqlite'])),
      }
    : undefined,
  postgres: values['prepared-postgres']
    ? {
        where: values['prepared-postgres'],
        record: await readSeedRecord(preparedRecordPath('postgres', values['prepared-postgres'])),
      }
    : undefined,
}
const now = values.now
  ? Date.parse(values.now)
  : (prepared.sqlite?.record.opts.now ?? prepared.postgres?.record.opts.now ?? Date.now())
const log = (line: string) => process.stderr.write(`${line}\n`)
const DAY = 86_400_000
/** The generator's last instant (a minute before `now`), and so the days the panels ask for. */
const end = now - 60_000
const today = dayOf(end)
const ago = (n: number) => dayOf(end - n * DAY)
const yearAgo = ago(365)
const MORE_CUSTOMERS = 200
const MORE_PER_CUSTOMER = 5

const PANELS: readonly [label: string, path: string][] = [
  ['purposes', '/api/analytics/purposes'],
  [`purposes ?at= a year ago (${yearAgo})`, `/api/analytics/purposes?at=${yearAgo}`],
  [
    `timeseries day, ${days} days`,
    `/api/analytics/timeseries?purposeId=marketing-sms&interval=day&from=${ago(days - 1)}&to=${today}`,
  ],
  [
    `timeseries week, ${days} days`,
    `/api/analytics/timeseries?purposeId=marketing-sms&interval=week&from=${ago(days - 1)}&to=${today}`,
  ],
  ['channels, 30 days', `/api/analytics/channels?from=${ago(29)}&to=${today}`],
  [`channels, ${days} days`, `/api/analytics/channels?from=${ago(days - 1)}&to=${today}`],
  ['withdrawals (30 days, withinDays 30)', '/api/analytics/withdrawals'],
  ['conflicts (30 days)', '/api/analytics/conflicts'],
  ['lifecycle (30 days)', '/api/analytics/lifecycle'],
  ['agents (30 days)', '/api/analytics/agents'],
]

interface PanelResult {
  first: number
  latency: Summary
  bytes: number
  errors: string[]
}

interface RunResult {
  store: 'sqlite' | 'postgres'
  scale: number
  customers: number
  entries: number
  outboxRows: number
  seedSeconds: number
  sizeMb: number | null
  serverStartMs: number
  firstAnswerMs: number
  backfillMs: number
  backfillAsOf: number | null
  panels: Record<string, PanelResult>
  appendMs: number
  incrementalMs: number
  incrementalAsOf: number | null
  afterIncrementalMs: number
  checks: string[]
}

const ms = (since: number) => performance.now() - since

async function runOne(store: 'sqlite' | 'postgres', scale: number): Promise<RunResult> {
  const opts: SeedOptions = {
    customers: Math.round(customers * scale),
    entries: Math.round(entries * scale),
    days,
    seed: Number(values.seed),
    now,
    snapshotDays: [yearAgo],
  }
  log(`\n${store}, scale ${scale}: ${opts.customers} customers, ${opts.entries} entries over ${days} days`)
  const dir = await mkdtemp(path.join(tmpdir(), 'consent-analytics-bench-'))
  // A prepared store (full size only) is used as it is, and kept: the run adds its roll-up and decisions.
  const ready = scale === 1 ? prepared[store] : undefined
  if (ready) {
    const o = ready.record.opts
    if (
      o.customers !== opts.customers ||
      o.entries !== opts.entries ||
      o.days !== days ||
      o.seed !== opts.seed ||
      o.now !== now
    )
      throw new Error(`the prepared ${store} store was seeded with ${JSON.stringify(o)}`)
    if (!ready.record.figures.snapshots[yearAgo])
      throw new Error(`the prepared ${store} store has no figures for ${yearAgo}`)
  }
  const file = ready && store === 'sqlite' ? ready.where : path.join(dir, 'test.db')
  const schema =
    ready && store === 'postgres' ? ready.where : `analytics_bench_${Math.round(scale * 1000)}_${process.pid}`
  const seeded = ready
    ? ready.record
    : store === 'sqlite'
      ? await seedSqlite(file, opts)
      : await seedPostgres(databaseUrl, schema, opts)
  const figures = seeded.figures
  if (ready) await resetRollUp(store, ready.where, figures.outboxHead)
  log(
    `${ready ? 'prepared: seeded' : 'seeded'} in ${seeded.seconds.toFixed(1)} s (outbox ${figures.outboxHead} rows)`,
  )
  const sizeMb = store === 'sqlite' ? (await stat(file)).size / 1e6 : await postgresSizeMb(schema)

  // The server starts rolling up the store at boot (app.ts); the first request waits for it.
  let t = performance.now()
  const env: Record<string, string> =
    store === 'sqlite'
      ? { DEMO: '1', DATABASE_PATH: file }
      : { DEMO: '1', STORE: 'postgres', DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema }
  const server = await startTestServer({ dir, env })
  const serverStartMs = ms(t)
  t = performance.now() - serverStartMs
  const token = server.token({ id: 'bench-admin', role: 'admin' })
  const checks: string[] = []
  const get = async (pathAndQuery: string) => {
    const started = performance.now()
    const res = await server.get(pathAndQuery, token)
    const text = await res.text()
    const took = ms(started)
    if (res.status !== 200)
      return { took, error: `${res.status} ${text.slice(0, 200)}`, body: null, bytes: 0 }
    return { took, error: null, body: JSON.parse(text) as Record<string, unknown>, bytes: text.length }
  }

  try {
    // The server starts rolling up at boot; an answer waits for the roll-up a bounded time and says
    // how many outbox rows it does not include yet (`pending`). The backfill: start → caught up.
    const first = await get(PANELS[0]![1])
    const firstAnswerMs = ms(t)
    if (first.error) checks.push(`first request: ${first.error}`)
    log(
      `first answer ${(firstAnswerMs / 1000).toFixed(2)} s after start: asOf ${first.body?.asOf}, pending ${first.body?.pending}`,
    )
    let said = performance.now()
    let last = first
    while (!caughtUp(last.body, figures.outboxHead)) {
      await new Promise((resolve) => setTimeout(resolve, 1000))
      last = await get(PANELS[0]![1])
      if (last.error) checks.push(`request during the backfill: ${last.error}`)
      if (performance.now() - said >= 30_000) {
        said = performance.now()
        const done = Number(last.body?.asOf ?? 0)
        log(
          `  backfill: asOf ${done} of ${figures.outboxHead} after ${(ms(t) / 1000).toFixed(0)} s (${Math.round(done / (ms(t) / 1000))} rows/s)`,
        )
      }
    }
    const backfillMs = ms(t)
    const backfillAsOf = (last.body?.asOf as number | undefined) ?? null
    log(
      `backfill (start → an answer with nothing pending): ${(backfillMs / 1000).toFixed(2)} s, asOf ${backfillAsOf}`,
    )
    if (last.body) checkPurposes('purposes', last.body, figures, null, checks)
    if (backfillAsOf !== null && backfillAsOf !== figures.outboxHead)
      checks.push(`backfill asOf ${backfillAsOf}, outbox head ${figures.outboxHead}`)

    const panels: Record<string, PanelResult> = {}
    for (const [label, url] of PANELS) {
      const samples: number[] = []
      const errors: string[] = []
      let firstMs = 0
      let bytes = 0
      // One request first (not in the percentiles: a panel's first read after the roll-up), then R.
      for (let i = 0; i <= requests; i++) {
        const r = await get(url)
        if (r.error) errors.push(r.error)
        if (i === 0) {
          firstMs = r.took
          bytes = r.bytes
          if (r.body && label.startsWith('purposes ?at='))
            checkPurposes(label, r.body, figures, yearAgo, checks)
        } else samples.push(r.took)
      }
      panels[label] = { first: firstMs, latency: summarize(samples), bytes, errors: [...new Set(errors)] }
      log(
        `${label}: first ${firstMs.toFixed(1)} ms, ${JSON.stringify(panels[label]!.latency)}${errors.length ? ` ERRORS ${errors[0]}` : ''}`,
      )
    }

    // 1 000 more decisions, through the store's real append (one update per customer, as accepted),
    // then the request that rolls them up.
    t = performance.now()
    const store_ = server.ctx.store
    const random = seededRandom(Number(values.seed) + 99)
    for (let i = 0; i < MORE_CUSTOMERS; i++) {
      const customerId = customerIdOf(opts.customers + i)
      const actor = { id: customerId, role: 'customer' as const }
      const at = new Date().toISOString()
      const added = PURPOSES.slice(0, MORE_PER_CUSTOMER).map((purposeId) =>
        decision({
          purposeId,
          state: (random() < 0.5 ? 'granted' : 'withdrawn') as DecisionState,
          actor,
          channel: random() < 0.5 ? 'app' : 'web',
          at,
        }),
      )
      await appendDecisions(store_, customerId, added, actor, at, DEFAULT_CATALOG)
    }
    const appendMs = ms(t)
    const head = await store_.outboxHead()
    const incremental = await get(PANELS[0]![1])
    if (incremental.error) checks.push(`incremental request: ${incremental.error}`)
    const incrementalAsOf = (incremental.body?.asOf as number | undefined) ?? null
    if (!caughtUp(incremental.body, head))
      checks.push(`incremental answer pending ${incremental.body?.pending}`)
    if (incrementalAsOf !== head) checks.push(`incremental asOf ${incrementalAsOf}, outbox head ${head}`)
    const after = await get(PANELS[0]![1])
    log(
      `${MORE_CUSTOMERS * MORE_PER_CUSTOMER} more decisions appended in ${appendMs.toFixed(0)} ms; ` +
        `next request (incremental roll-up) ${incremental.took.toFixed(1)} ms, asOf ${incrementalAsOf}; the one after ${after.took.toFixed(1)} ms`,
    )
    for (const c of checks) log(`CHECK: ${c}`)
    return {
      store,
      scale,
      customers: opts.customers,
      entries: opts.entries,
      outboxRows: figures.outboxHead,
      seedSeconds: seeded.seconds,
      sizeMb,
      serverStartMs,
      firstAnswerMs,
      backfillMs,
      backfillAsOf,
      panels,
      appendMs,
      incrementalMs: incremental.took,
      incrementalAsOf,
      afterIncrementalMs: after.took,
      checks,
    }
  } finally {
    await server.cleanup(true)
    if (values.keep || ready) log(`kept: ${store === 'sqlite' ? file : `schema ${schema} of ${databaseUrl}`}`)
    if (!values.keep) {
      await rm(dir, { recursive: true, force: true })
      if (store === 'postgres' && !ready) await postgresQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    }
  }
}

/** Whether an answer includes the whole outbox up to `head`. */
const caughtUp = (body: Record<string, unknown> | null, head: number) =>
  body !== null && Number(body.asOf) >= head && Number(body.pending ?? 0) === 0

/**
 * A prepared store as its seeding left it: the roll-up emptied (a run before rolled it up) and
 * nothing appended since (a run before that got to its 1 000 decisions is refused).
 */
async function resetRollUp(store: 'sqlite' | 'postgres', where: string, outboxHead: number) {
  const emptied = [
    'analytics_customers_daily',
    'analytics_granted_daily',
    'analytics_decisions_daily',
    'analytics_lags_daily',
    'analytics_ended_daily',
    'analytics_agents_daily',
    'analytics_conflicts',
  ]
  const statements = [...emptied.map((t) => `DELETE FROM ${t}`), 'UPDATE analytics_mark SET outbox_seq = 0']
  if (store === 'sqlite') {
    const db = new Database(where)
    try {
      const head = Number(db.prepare('SELECT coalesce(max(seq), 0) FROM outbox').pluck().get())
      if (head !== outboxHead)
        throw new Error(`${where}: outbox head ${head}, seeded ${outboxHead}: seed again`)
      db.transaction(() => {
        for (const sql of statements) db.exec(sql)
      })()
    } finally {
      db.close()
    }
    return
  }
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    await client.query(`SET search_path TO "${where}"`)
    const { rows } = await client.query<{ head: string }>('SELECT seq AS head FROM outbox_head')
    if (Number(rows[0]?.head) !== outboxHead)
      throw new Error(`schema ${where}: outbox head moved: seed again`)
    await client.query('BEGIN')
    for (const sql of statements) await client.query(sql)
    await client.query('COMMIT')
  } finally {
    await client.end()
  }
}

/** The `purposes` answer against what the generator counted (at the end, or at the end of `at`). */
function checkPurposes(
  label: string,
  body: Record<string, unknown>,
  figures: SeedFigures,
  at: string | null,
  checks: string[],
) {
  const expected =
    at === null ? { customers: figures.customers, granted: figures.granted } : figures.snapshots[at]
  if (!expected) return
  const rows = (body.purposes ?? []) as {
    purposeId: string
    customers: number | null
    granted: number | null
  }[]
  for (const id of PURPOSES) {
    const row = rows.find((r) => r.purposeId === id)
    if (!row) checks.push(`${label}: no row for ${id}`)
    else if (row.granted !== expected.granted[id] || row.customers !== expected.customers)
      checks.push(
        `${label} ${id}: customers ${row.customers} granted ${row.granted}, seeded ${expected.customers} / ${expected.granted[id]}`,
      )
  }
}

async function postgresQuery(text: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    return await client.query(text, params)
  } finally {
    await client.end()
  }
}

async function postgresSizeMb(schema: string): Promise<number> {
  const { rows } = await postgresQuery(
    `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::float8 AS bytes FROM pg_class AS c
     WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'm')`,
    [schema],
  )
  return Number(rows[0]?.bytes ?? 0) / 1e6
}

/** The database of `--database-url`, made if missing (through the server's maintenance database). */
async function ensureDatabase() {
  const url = new URL(databaseUrl)
  const name = url.pathname.slice(1)
  url.pathname = '/postgres'
  const client = new pg.Client({ connectionString: url.toString() })
  await client.connect()
  try {
    const { rows } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    if (rows.length === 0) await client.query(`CREATE DATABASE "${name.replaceAll('"', '')}"`)
  } finally {
    await client.end()
  }
}

// ---------------------------------------------------------------------------------------------

if (stores.includes('postgres')) await ensureDatabase()
const results: RunResult[] = []
for (const store of stores) for (const scale of scales) results.push(await runOne(store, scale))

const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ' ')
const f = (n: number | null | undefined) =>
  n === null || n === undefined ? '–' : n < 10 ? n.toFixed(1) : n.toFixed(0)
const sizeOf = (r: RunResult) => `${thousands(r.customers)} / ${thousands(r.entries)}`
const heading = results.map((r) => `${r.store} ${sizeOf(r)}`)
const lines: string[] = [
  `Analytics API, ${requests} requests per panel after one first read (ms: p50 / p95 / max; first).`,
  `Columns: store, customers / entries; ${days} days ending ${today}, seed ${values.seed}.`,
  '',
  `| panel | ${heading.join(' | ')} |`,
  `| --- | ${heading.map(() => '---:').join(' | ')} |`,
]
const row = (label: string, cell: (r: RunResult) => string) =>
  lines.push(`| ${label} | ${results.map(cell).join(' | ')} |`)
row('seeding (generate + insert + indexes), s', (r) => f(r.seedSeconds))
row('store size, MB', (r) => f(r.sizeMb))
row('outbox rows', (r) => thousands(r.outboxRows))
row('server start, ms', (r) => f(r.serverStartMs))
row('first answer after start (bounded wait), s', (r) => (r.firstAnswerMs / 1000).toFixed(2))
row(
  '**one-time backfill** (server start → an answer with nothing pending), s',
  (r) => `**${(r.backfillMs / 1000).toFixed(2)}**`,
)
for (const [label] of PANELS) {
  row(label, (r) => {
    const p = r.panels[label]
    if (!p) return '–'
    const l = p.latency
    const over = (l.p95 ?? 0) > 1000 ? ' **> 1 s**' : ''
    return `${f(l.p50)} / ${f(l.p95)} / ${f(l.max)}; ${f(p.first)}${over}${p.errors.length ? ` (errors: ${p.errors[0]})` : ''}`
  })
}
row(`append ${MORE_CUSTOMERS * MORE_PER_CUSTOMER} decisions (${MORE_CUSTOMERS} updates), ms`, (r) =>
  f(r.appendMs),
)
row('next request (incremental roll-up), ms', (r) => f(r.incrementalMs))
row('the request after it, ms', (r) => f(r.afterIncrementalMs))

// How each panel's p50 grows from one scale to the next, per store.
const growth: string[] = []
for (const store of stores) {
  const runs = results.filter((r) => r.store === store).sort((a, b) => a.scale - b.scale)
  for (let i = 1; i < runs.length; i++) {
    const [a, b] = [runs[i - 1]!, runs[i]!]
    growth.push(
      `${store}, ×${(b.entries / a.entries).toFixed(0)} data: backfill ×${(b.backfillMs / a.backfillMs).toFixed(1)}, ` +
        PANELS.map(([label]) => {
          const x = a.panels[label]?.latency.p50
          const y = b.panels[label]?.latency.p50
          return `${label} ×${x && y ? (y / x).toFixed(1) : '–'}`
        }).join(', '),
    )
  }
}
const problems = results.flatMap((r) => r.checks.map((c) => `${r.store} ${sizeOf(r)}: ${c}`))
process.stdout.write(
  `${[
    ...lines,
    '',
    'p50 growth:',
    ...growth.map((g) => `- ${g}`),
    '',
    problems.length
      ? `Checks failed:\n${problems.map((p) => `- ${p}`).join('\n')}`
      : 'Checks: all answers matched the seeded figures.',
    '',
    JSON.stringify(results),
  ].join('\n')}\n`,
)
