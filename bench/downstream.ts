/**
 * Downstream reads at size (DESIGN.md §12): `--rows` customers' current-state rows of one purpose
 * (default 1 000 000, seeded, inserted straight into a fresh SQLite store), then a real server on
 * that file answering `POST /api/consents/check` with 10 000 ids `--requests` times, and streaming
 * `GET /api/purposes/:id/allowed` (CSV and JSON Lines) to the end: time, lines and peak RSS. The
 * server is its own process (the `consent-sync` bin, as an operator starts it), so the bench's JSON
 * work and garbage are not in its figures; `--in-process`: the test server in this process instead.
 *
 *   npx tsx bench/downstream.ts [--rows 1000000] [--requests 50] [--keep]
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { createSqliteStore, DEMO_JWT_SECRET } from '@consent-sync/server'
import { startTestServer } from '@consent-sync/server/testing'
import Database from 'better-sqlite3'
import { createSigner } from 'fast-jwt'
import { seeded } from './directory-data'
import { startServer } from './lib/servers'
import { summarize } from './lib/stats'

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    requests: { type: 'string', default: '50' },
    keep: { type: 'boolean', default: false },
    'in-process': { type: 'boolean', default: false },
  },
})
const rows = Number(values.rows)
const requests = Number(values.requests)
const PURPOSE = 'marketing-sms'
const IDS_PER_CHECK = 10_000
const log = (line: string) => process.stderr.write(`${line}\n`)
const idOf = (i: number) => `C-${String(i).padStart(7, '0')}`
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(2)

let peakRss = 0
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`

const dir = await mkdtemp(path.join(tmpdir(), 'consent-downstream-bench-'))
const file = path.join(dir, 'test.db')
{
  const store = createSqliteStore({ path: file })
  await store.migrate()
  await store.close()
}
let t = performance.now()
{
  // Straight into the table, in key order: the rows a million customers' decisions would leave.
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  const insert = db.prepare(
    `INSERT INTO consent_states (purpose_id, customer_id, state, conflicted, notice_version, decided_at,
      effective_state, expires_at, change_seq) VALUES (?, ?, ?, 0, '1.0', ?, ?, NULL, ?)`,
  )
  const random = seeded(11)
  db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const state = random() < 0.6 ? 'granted' : 'withdrawn'
      const at = new Date(Date.parse('2026-01-01T00:00:00.000Z') + i * 1000).toISOString()
      insert.run(PURPOSE, idOf(i), state, at, state, i + 1)
    }
  })()
  db.close()
}
log(`seeded ${rows} rows in ${seconds(t)} s`)

/** The server under test: its URL, a service token, and how to stop it. */
async function serverUnderTest() {
  if (values['in-process']) {
    const test = await startTestServer({ dir, env: { DEMO: '1' } })
    return {
      url: test.url,
      token: test.token({ id: 'bench', role: 'service' }),
      stop: () => test.cleanup(values.keep),
      rss: async () => process.memoryUsage().rss,
    }
  }
  const child = await startServer('consent-sync', { DATABASE_PATH: file, DEMO: 'true' })
  const sign = createSigner({ key: DEMO_JWT_SECRET, expiresIn: 3600_000 })
  return {
    url: (pathAndQuery: string) => `http://127.0.0.1:${child.port}${pathAndQuery}`,
    token: sign({ sub: 'bench', role: 'service', name: 'Bench service' }),
    stop: () => child.stop(),
    rss: () => child.rssBytes(),
  }
}
const server = await serverUnderTest()
const token = server.token
const random = seeded(5)
/**
 * One check, timed twice: to the answer's last byte (what the server costs: the body is written
 * before the clock starts and read after the last byte, as a client in another process would be),
 * and with the bench's own JSON work on both sides in this process (the figure reported before).
 */
const check = async (): Promise<{ server: number; withClient: number }> => {
  // A tenth of the ids never decided: answered from the catalog default.
  const ids = Array.from({ length: IDS_PER_CHECK }, () => idOf(Math.floor(random() * rows * 1.1)))
  const withClientStarted = performance.now()
  const body = JSON.stringify({ purposeId: PURPOSE, customerIds: ids })
  const started = performance.now()
  const res = await fetch(server.url('/api/consents/check'), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  })
  const bytes = await res.arrayBuffer()
  const server_ = performance.now() - started
  const answer = JSON.parse(Buffer.from(bytes).toString('utf8')) as { results?: unknown[] }
  if (res.status !== 200 || answer.results?.length !== IDS_PER_CHECK)
    throw new Error(`check answered ${res.status}: ${Buffer.from(bytes).toString('utf8').slice(0, 300)}`)
  return { server: server_, withClient: performance.now() - withClientStarted }
}
for (let i = 0; i < 5; i++) await check()
const samples: { server: number; withClient: number }[] = []
for (let i = 0; i < requests; i++) samples.push(await check())
const checks = summarize(samples.map((s) => s.server))
const checksWithClient = summarize(samples.map((s) => s.withClient))
log(`check of ${IDS_PER_CHECK} ids, to the last byte: ${JSON.stringify(checks)}`)
log(`check of ${IDS_PER_CHECK} ids, with the client's JSON work: ${JSON.stringify(checksWithClient)}`)

const rssBeforeLists = await server.rss()
// The server's resident memory, sampled while the lists stream (not during the timed checks).
let sampling = Promise.resolve()
const sampler = setInterval(() => {
  sampling = sampling.then(async () => {
    peakRss = Math.max(peakRss, await server.rss())
  })
}, 20)
const lists: Record<string, { seconds: string; lines: number; mb: string; peakRss: string }> = {}
for (const format of ['csv', 'jsonl'] as const) {
  await sampling
  peakRss = await server.rss()
  t = performance.now()
  const res = await fetch(server.url(`/api/purposes/${PURPOSE}/allowed?format=${format}`), {
    headers: { authorization: `Bearer ${token}` },
  })
  let lines = 0
  let bytes = 0
  const reader = res.body!.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    bytes += value.byteLength
    for (const b of value) if (b === 10) lines++
  }
  await sampling
  lists[format] = { seconds: seconds(t), lines, mb: (bytes / 1e6).toFixed(1), peakRss: mb(peakRss) }
  log(`allowed ${format}: ${JSON.stringify(lists[format])} (as of ${res.headers.get('consent-sync-as-of')})`)
}
clearInterval(sampler)
await sampling
await server.stop()
if (!values.keep) await rm(dir, { recursive: true, force: true })

process.stdout.write(
  `${JSON.stringify({ rows, server: values['in-process'] ? 'in process' : 'own process', idsPerCheck: IDS_PER_CHECK, checks, checksWithClient, rssBeforeLists: mb(rssBeforeLists), lists }, null, 2)}\n`,
)
