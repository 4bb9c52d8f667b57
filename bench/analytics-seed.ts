/**
 * A seeded history of consent decisions for the analytics bench (bench/analytics.ts), written straight
 * into a store's tables: `--customers` customers (default 1 000 000) making `--entries` decisions
 * (default 10 000 000) over the `--days` UTC days ending today (default 730), under the default
 * catalog's 7 purposes. Rows are exactly what the accept path writes (store/sqlite-downstream.ts,
 * postgres-append-downstream.ts, downstream/derive.ts): an `audit` row per decision (per customer seq
 * 1..k), a `documents` row per customer, a `decision.accepted` outbox event per entry and a
 * `consent.changed` one when the effective state moved (outbox seq gapless, in received_at order),
 * and the last `consent_states` row per customer and purpose. Hashes are placeholder hex (linked:
 * each prev_hash is the customer's previous hash), and there are no `updates` rows (no Yjs data).
 *
 * Streams: decisions are generated in global time order, day by day (per-day counts planned up
 * front), for random customers; each customer's per-purpose state sits in typed arrays.
 *
 *   npx tsx bench/analytics-seed.ts [--store sqlite|postgres] [--customers 1000] [--entries 10000]
 *     [--days 730] [--seed 1] [--now ISO] [--file path.db] [--schema name] [--verify]
 *
 * It leaves a record of what it seeded (options, time, figures) next to the file, or in the temp
 * dir for a schema: `bench/analytics.ts --prepared-sqlite path.db` runs on such a store.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { DEFAULT_CATALOG, GENESIS_HASH, versionOf } from '@consent-sync/consent-core'
import { createPostgresStore, createSqliteStore } from '@consent-sync/server'
import Database from 'better-sqlite3'
import pg from 'pg'
import { CONSENT_STATE_COLUMNS, OUTBOX_COLUMNS } from '../apps/server/src/store/downstream-rows'
import { AUDIT_ENTRY_COLUMNS } from '../apps/server/src/store/rows'
import { seeded } from './directory-data'

export interface SeedOptions {
  customers: number
  entries: number
  days: number
  seed: number
  /** The end of the history (ms since the epoch); the last day is its UTC day. */
  now: number
  /** Days (`YYYY-MM-DD`) at whose end the generator notes the figures, to check `?at=` answers. */
  snapshotDays?: readonly string[]
}

/** What the generated history adds up to, to check the analytics answers against. */
export interface SeedFigures {
  entries: number
  customers: number
  outboxHead: number
  changedEvents: number
  conflictedEntries: number
  /** Effectively granted customers per purpose at the end. */
  granted: Record<string, number>
  openConflicts: Record<string, number>
  /** Per snapshot day: customers with a record and granted per purpose at that day's end. */
  snapshots: Record<string, { customers: number; granted: Record<string, number> }>
  firstDay: string
  lastDay: string
}

/** The audit row in AUDIT_ENTRY_COLUMNS order. */
export type AuditValues = [
  customerId: string,
  seq: number,
  purposeId: string,
  decisionId: string,
  decision: string,
  previousState: string,
  newState: string,
  conflicted: boolean,
  actorId: string,
  actorRole: string,
  channel: string,
  noticeVersion: string,
  noticeHash: string | null,
  evidence: string | null,
  deviceAt: string,
  receivedAt: string,
  connectionId: string,
  updateHash: string,
  prevHash: string,
  hash: string,
]

/** The outbox row in OUTBOX_COLUMNS order, its data as JSON text. */
export type OutboxValues = [
  seq: number,
  id: string,
  type: string,
  customerId: string,
  purposeId: string,
  createdAt: string,
  data: string,
]

/** The current-state row in CONSENT_STATE_COLUMNS order (expires_at always NULL: no lifetimes). */
export type StateValues = [
  purposeId: string,
  customerId: string,
  state: string,
  conflicted: boolean,
  noticeVersion: string,
  decidedAt: string,
  effectiveState: string,
  expiresAt: null,
  changeSeq: number,
]

/** Where the rows go; `drain` is awaited between updates (a sink that batches writes there). */
export interface SeedSink {
  audit(row: AuditValues): void
  outbox(row: OutboxValues): void
  document(customerId: string, auditSeq: number, auditHead: string): void
  state(row: StateValues): void
  drain(): Promise<void> | undefined
}

const DAY = 86_400_000
export const PURPOSES = DEFAULT_CATALOG.purposes.map((p) => p.id)
const P = PURPOSES.length
const VERSION = DEFAULT_CATALOG.purposes.map((p) => p.version)
const NOTICE_HASH = DEFAULT_CATALOG.purposes.map((p) => versionOf(p, p.version)?.textHash ?? null)
const DEFAULT_STATE = DEFAULT_CATALOG.purposes.map((p) => (p.status === 'retired' ? 'withdrawn' : p.default))
/** How likely a new customer grants each purpose (catalog order), and how often a change is about it. */
const GRANT_AT_SIGNUP: Record<string, number> = {
  'personalised-offers': 0.6,
  'marketing-sms': 0.45,
  'marketing-email': 0.5,
  'marketing-push': 0.55,
  'usage-analytics': 0.7,
  'partner-sharing': 0.2,
  'location-offers': 0.3,
}
const CHANGE_WEIGHT: Record<string, number> = {
  'personalised-offers': 15,
  'marketing-sms': 25,
  'marketing-email': 15,
  'marketing-push': 15,
  'usage-analytics': 10,
  'partner-sharing': 10,
  'location-offers': 10,
}
export const AGENTS = Array.from({ length: 20 }, (_, i) => `csr-${String(i + 1).padStart(2, '0')}`)
export const IMPORT_ACTOR = 'import-legacy-crm'
/** The share of customers brought in by a legacy import over the first three days. */
const IMPORTED_SHARE = 0.08

export const customerIdOf = (i: number) => `C-${String(i + 1).padStart(7, '0')}`
export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/** 1 granted, 2 withdrawn, 0 never decided; CONFLICTED set while the purpose has concurrent heads. */
const GRANTED = 1
const WITHDRAWN = 2
const CONFLICTED = 4
const stateName = (s: number) => ((s & 3) === GRANTED ? 'granted' : 'withdrawn')
const NOTICE_FIELDS = PURPOSES.map(
  (_, p) => `"noticeVersion":"${VERSION[p]}",${NOTICE_HASH[p] ? `"noticeHash":"${NOTICE_HASH[p]}",` : ''}`,
)

const pad = (n: number, width: number) => Array.from({ length: n }, (_, i) => String(i).padStart(width, '0'))
const TWO = pad(60, 2)
const THREE = pad(1000, 3)
const dayPrefix = new Map<number, string>()
/** `Date#toISOString` of a time in ms, without a Date: the day's prefix is kept. */
export function iso(t: number): string {
  const day = Math.floor(t / DAY)
  let prefix = dayPrefix.get(day)
  if (prefix === undefined) {
    prefix = new Date(day * DAY).toISOString().slice(0, 11)
    dayPrefix.set(day, prefix)
  }
  let rest = t - day * DAY
  const h = Math.floor(rest / 3_600_000)
  rest -= h * 3_600_000
  const m = Math.floor(rest / 60_000)
  rest -= m * 60_000
  const s = Math.floor(rest / 1000)
  return `${prefix}${TWO[h]}:${TWO[m]}:${TWO[s]}.${THREE[rest - s * 1000]}Z`
}

/** Integer counts that add up to `total`, in proportion to `weights` (cumulative rounding). */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0)
  const out: number[] = []
  let acc = 0
  let given = 0
  for (const w of weights) {
    acc += w
    const upTo = sum > 0 ? Math.round((total * acc) / sum) : 0
    out.push(upTo - given)
    given = upTo
  }
  return out
}

/** A min-heap of conflicts due to be resolved: [due ms, cell]. */
class DueHeap {
  private items: [number, number][] = []
  get size() {
    return this.items.length
  }
  peek() {
    return this.items[0]
  }
  push(item: [number, number]) {
    const a = this.items
    a.push(item)
    let i = a.length - 1
    while (i > 0) {
      const up = (i - 1) >> 1
      if (a[up]![0] <= a[i]![0]) break
      ;[a[up], a[i]] = [a[i]!, a[up]!]
      i = up
    }
  }
  pop() {
    const a = this.items
    const top = a[0]
    const last = a.pop()!
    if (a.length > 0) {
      a[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < a.length && a[l]![0] < a[m]![0]) m = l
        if (r < a.length && a[r]![0] < a[m]![0]) m = r
        if (m === i) break
        ;[a[m], a[i]] = [a[i]!, a[m]!]
        i = m
      }
    }
    return top
  }
}

/**
 * Generates the history into `sink`, in received_at order. Deterministic for given options
 * (`now` included: the days end there).
 */
export async function generate(opts: SeedOptions, sink: SeedSink): Promise<SeedFigures> {
  const { customers: N, entries: M, days: D } = opts
  if (N < 1 || D < 1 || M < N) throw new Error('need customers ≥ 1, days ≥ 1 and entries ≥ customers')
  const random = seeded(opts.seed)
  const end = opts.now - 60_000
  const lastDayStart = Math.floor(end / DAY) * DAY
  const firstDayStart = lastDayStart - (D - 1) * DAY

  // Placeholder hashes: 64 hex, a pool of 4096, each entry's picked from its customer and seq.
  const hex = () =>
    Math.floor(random() * 2 ** 32)
      .toString(16)
      .padStart(8, '0')
  const pool = Array.from({ length: 4096 }, () => Array.from({ length: 8 }, hex).join(''))
  const hashOf = (c: number, seq: number) =>
    seq === 0 ? GENESIS_HASH : pool[(Math.imul(c, 2654435761) + Math.imul(seq, 40503)) & 4095]!

  // Each customer's number of decisions at signup (1..7): about 40 % of the entries.
  const meanSignup = Math.max(1, Math.min(4, (0.4 * M) / N))
  const signupSize = new Uint8Array(N)
  let signupTotal = 0
  for (let i = 0; i < N; i++) {
    const s = Math.min(P, 1 + Math.floor(random() * (2 * meanSignup - 1)))
    signupSize[i] = s
    signupTotal += s
  }
  if (signupTotal > M) throw new Error('entries too few for the customers')
  const changesTotal = M - signupTotal

  // The plan: new customers per day (a legacy import over the first 3 days, then growth with a
  // weekly rhythm), and changes per day in proportion to the customers there by then.
  const dayFrac = (d: number) => (d === D - 1 ? Math.max(0.01, (end - lastDayStart) / DAY) : 1)
  const rhythm = Array.from({ length: D }, (_, d) => {
    const dow = new Date(firstDayStart + d * DAY).getUTCDay()
    const week = dow === 0 ? 0.55 : dow === 6 ? 0.75 : 1
    const trend = 0.7 + (0.6 * d) / Math.max(1, D - 1)
    return week * trend * (0.85 + 0.3 * random()) * dayFrac(d)
  })
  const imported = Math.max(1, Math.round(N * IMPORTED_SHARE))
  const importDays = Math.min(3, D)
  const importedPerDay = apportion(
    imported,
    Array.from({ length: D }, (_, d) => (d < importDays ? 1 : 0)),
  )
  const organicPerDay = apportion(N - imported, rhythm)
  const newPerDay = importedPerDay.map((n, d) => n + organicPerDay[d]!)
  let joinedByEnd = 0
  const changesPerDay = apportion(
    changesTotal,
    rhythm.map((w, d) => {
      joinedByEnd += newPerDay[d]!
      return w * joinedByEnd
    }),
  )

  const seqOf = new Uint32Array(N)
  const cell = new Uint8Array(N * P)
  const decidedAt = new Float64Array(N * P)
  const changeSeq = new Uint32Array(N * P)
  const grantedNow = new Array<number>(P).fill(0)
  const due = new DueHeap()
  // Conflicts are about 1 % of all entries; they can only happen on a purpose already decided.
  const conflictRate = Math.min(0.5, (0.01 * M) / Math.max(1, changesTotal))
  const snapshotWanted = new Set(opts.snapshotDays ?? [])
  const figures: SeedFigures = {
    entries: 0,
    customers: 0,
    outboxHead: 0,
    changedEvents: 0,
    conflictedEntries: 0,
    granted: {},
    openConflicts: {},
    snapshots: {},
    firstDay: dayOf(firstDayStart),
    lastDay: dayOf(lastDayStart),
  }
  let outboxSeq = 0
  let joined = 0
  let updates = 0
  let decisionCounter = 0

  const agent = () => AGENTS[Math.floor(AGENTS.length * random() ** 1.6)]!
  const evidenceFor = (channel: string) => {
    if (random() >= 0.9) return null
    const n = Math.floor(random() * 1e8)
    if (channel === 'phone') return `call-recording:REC-${n.toString(16).padStart(7, '0')}`
    if (channel === 'store') return `signed-form:SF-${String(n % 1e6).padStart(6, '0')}`
    return `legacy-crm:row-${n}`
  }
  const decisionId = (t: number) => {
    const h = t.toString(16).padStart(12, '0')
    const n = (++decisionCounter).toString(16).padStart(12, '0')
    const r = Math.floor(random() * 0x10000)
      .toString(16)
      .padStart(4, '0')
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-7${r.slice(0, 3)}-8${r.slice(1, 4)}-${n}`
  }

  interface Decided {
    p: number
    decision: number
    conflicted: boolean
  }
  /** One accepted update: `decided` of customer `c` at time `t`, by the actor, through the channel. */
  const accept = (
    c: number,
    t: number,
    decided: readonly Decided[],
    actorId: string,
    actorRole: string,
    channel: string,
    evidence: string | null,
  ) => {
    const customerId = customerIdOf(c)
    const receivedAt = iso(t)
    const deviceAt = iso(t - Math.floor(random() * 4000) - 200)
    const connectionId = `conn-${(++updates).toString(36)}`
    const updateHash = pool[updates & 4095]!
    const rows: {
      p: number
      was: number
      now: number
      decision: number
      decisionId: string
      seq: number
      eventSeq: number
      conflicted: boolean
    }[] = []
    for (const d of decided) {
      const k = c * P + d.p
      const was = cell[k]!
      let next: number
      if (d.conflicted) {
        // Concurrent heads: a withdrawal beats a grant (consent-core fold, SPEC 3.4).
        next = (d.decision === WITHDRAWN || (was & 3) === WITHDRAWN ? WITHDRAWN : GRANTED) | CONFLICTED
        figures.conflictedEntries++
      } else next = d.decision
      const seq = ++seqOf[c]!
      const id = decisionId(t)
      const purposeId = PURPOSES[d.p]!
      const previousState = was === 0 ? DEFAULT_STATE[d.p]! : stateName(was)
      const newState = stateName(next)
      sink.audit([
        customerId,
        seq,
        purposeId,
        id,
        stateName(d.decision),
        previousState,
        newState,
        d.conflicted,
        actorId,
        actorRole,
        channel,
        VERSION[d.p]!,
        NOTICE_HASH[d.p]!,
        evidence,
        deviceAt,
        receivedAt,
        connectionId,
        updateHash,
        hashOf(c, seq - 1),
        hashOf(c, seq),
      ])
      figures.entries++
      rows.push({
        p: d.p,
        was,
        now: next,
        decision: d.decision,
        decisionId: id,
        seq,
        eventSeq: 0,
        conflicted: d.conflicted,
      })
    }
    // decision.accepted events first, then per purpose the state row and its consent.changed.
    for (const r of rows) {
      r.eventSeq = ++outboxSeq
      const purposeId = PURPOSES[r.p]!
      const previousState = r.was === 0 ? DEFAULT_STATE[r.p]! : stateName(r.was)
      const state = stateName(r.now)
      sink.outbox([
        r.eventSeq,
        `evt_${customerId}_${r.seq}`,
        'decision.accepted',
        customerId,
        purposeId,
        receivedAt,
        // JSON.stringify's output for derive.ts's object, in its key order: every value here is an
        // id, a time or a word that needs no escaping (the checks parse every row).
        `{"customerId":"${customerId}","purposeId":"${purposeId}","decisionId":"${r.decisionId}",` +
          `"decision":"${stateName(r.decision)}","state":"${state}","previousState":"${previousState}",` +
          `"effectiveState":"${state}","conflicted":${r.conflicted},"actor":{"id":"${actorId}",` +
          `"role":"${actorRole}"},"channel":"${channel}",${NOTICE_FIELDS[r.p]}"receivedAt":"${receivedAt}",` +
          `"seq":${r.seq}}`,
      ])
    }
    for (const r of rows) {
      const k = c * P + r.p
      const purposeId = PURPOSES[r.p]!
      const wasEffective = r.was === 0 ? DEFAULT_STATE[r.p]! : stateName(r.was)
      const state = stateName(r.now)
      cell[k] = r.now
      decidedAt[k] = t
      changeSeq[k] = r.eventSeq
      if (wasEffective !== state) {
        grantedNow[r.p]! += state === 'granted' ? 1 : -1
        figures.changedEvents++
        sink.outbox([
          ++outboxSeq,
          `evt_${customerId}_${r.seq}_changed`,
          'consent.changed',
          customerId,
          purposeId,
          receivedAt,
          `{"customerId":"${customerId}","purposeId":"${purposeId}","state":"${state}",` +
            `"previousState":"${wasEffective}","effectiveState":"${state}","conflicted":${r.conflicted},` +
            `"reason":"decision","at":"${receivedAt}","decisionId":"${r.decisionId}","channel":"${channel}",` +
            `"noticeVersion":"${VERSION[r.p]}","expiresAt":null,"seq":${r.seq},"previousEffectiveState":"${wasEffective}"}`,
        ])
      }
    }
  }

  const changeWeights = PURPOSES.map((id) => CHANGE_WEIGHT[id] ?? 10)
  const changeWeightSum = changeWeights.reduce((s, w) => s + w, 0)
  const pickPurpose = () => {
    let x = random() * changeWeightSum
    for (let p = 0; p < P; p++) {
      x -= changeWeights[p]!
      if (x < 0) return p
    }
    return P - 1
  }
  const order = Array.from({ length: P }, (_, i) => i)

  const signup = (t: number, viaImport: boolean) => {
    const c = joined++
    const s = signupSize[c]!
    for (let i = P - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[order[i], order[j]] = [order[j]!, order[i]!]
    }
    const decided = order.slice(0, s).map((p) => ({
      p,
      decision: random() < (GRANT_AT_SIGNUP[PURPOSES[p]!] ?? 0.5) ? GRANTED : WITHDRAWN,
      conflicted: false,
    }))
    if (viaImport) {
      accept(c, t, decided, IMPORT_ACTOR, 'csr', 'import', evidenceFor('import'))
      return
    }
    const x = random()
    const channel = x < 0.45 ? 'app' : x < 0.8 ? 'web' : x < 0.95 ? 'store' : 'phone'
    if (channel === 'app' || channel === 'web')
      accept(c, t, decided, customerIdOf(c), 'customer', channel, null)
    else accept(c, t, decided, agent(), 'csr', channel, evidenceFor(channel))
  }

  const byWhom = (c: number, t: number, decided: Decided[], agentShare: number) => {
    if (random() < agentShare) {
      const channel = random() < 0.7 ? 'phone' : 'store'
      accept(c, t, decided, agent(), 'csr', channel, evidenceFor(channel))
    } else {
      accept(c, t, decided, customerIdOf(c), 'customer', random() < 0.58 ? 'app' : 'web', null)
    }
  }

  const change = (t: number) => {
    // A conflict due to be resolved takes this slot: someone decides again, seeing both heads.
    while (due.size > 0 && due.peek()![0] <= t) {
      const [, k] = due.pop()!
      if ((cell[k]! & CONFLICTED) === 0) continue
      byWhom(
        Math.floor(k / P),
        t,
        [{ p: k % P, decision: random() < 0.5 ? GRANTED : WITHDRAWN, conflicted: false }],
        0.6,
      )
      return
    }
    const c = Math.floor(random() * joined)
    const p = pickPurpose()
    const was = cell[c * P + p]! & 3
    const decision =
      was === GRANTED ? (random() < 0.8 ? WITHDRAWN : GRANTED) : random() < 0.75 ? GRANTED : WITHDRAWN
    const conflicted = was !== 0 && random() < conflictRate * 1.4
    if (conflicted && random() < 0.85) due.push([t + -Math.log(1 - random()) * 30 * 3_600_000, c * P + p])
    byWhom(c, t, [{ p, decision, conflicted }], 0.4)
  }

  const snapshot = (day: string) => {
    figures.snapshots[day] = {
      customers: joined,
      granted: Object.fromEntries(PURPOSES.map((id, p) => [id, grantedNow[p]!])),
    }
  }

  for (let d = 0; d < D; d++) {
    const dayStart = firstDayStart + d * DAY
    const span = d === D - 1 ? end - dayStart : DAY
    let onboard = newPerDay[d]!
    let imports = importedPerDay[d]!
    const events = onboard + changesPerDay[d]!
    const times = new Float64Array(events)
    for (let i = 0; i < events; i++) times[i] = dayStart + Math.floor(random() * span)
    times.sort()
    for (let i = 0; i < events; i++) {
      const t = times[i]!
      const isSignup = onboard > 0 && (joined === 0 || random() < onboard / (events - i))
      if (isSignup) {
        // The import's rows come first on its days, as one job would load them.
        const viaImport = imports > 0 && random() < imports / onboard
        if (viaImport) imports--
        onboard--
        signup(t, viaImport)
      } else change(t)
      const drained = sink.drain()
      if (drained) await drained
    }
    if (snapshotWanted.has(dayOf(dayStart))) snapshot(dayOf(dayStart))
  }
  figures.customers = joined
  figures.outboxHead = outboxSeq

  for (let c = 0; c < N; c++) {
    if (seqOf[c]! > 0) sink.document(customerIdOf(c), seqOf[c]!, hashOf(c, seqOf[c]!))
    if ((c & 0x3fff) === 0) await sink.drain()
  }
  // In key order (purpose, customer id): ids are zero-padded, so index order is id order.
  for (let p = 0; p < P; p++) {
    let open = 0
    for (let c = 0; c < N; c++) {
      const k = c * P + p
      const s = cell[k]!
      if (s === 0) continue
      if (s & CONFLICTED) open++
      const state = stateName(s)
      sink.state([
        PURPOSES[p]!,
        customerIdOf(c),
        state,
        (s & CONFLICTED) !== 0,
        VERSION[p]!,
        iso(decidedAt[k]!),
        state,
        null,
        changeSeq[k]!,
      ])
      if ((c & 0x3fff) === 0) await sink.drain()
    }
    figures.granted[PURPOSES[p]!] = grantedNow[p]!
    figures.openConflicts[PURPOSES[p]!] = open
  }
  await sink.drain()
  return figures
}

const log = (line: string) => process.stderr.write(`${line}\n`)

/** How often the seeders report progress, in entries. */
const PROGRESS_EVERY = 1_000_000

// ---------------------------------------------------------------------------------------------
// SQLite

/** The secondary indexes of the bulk-loaded tables, as migrate() made them: dropped for the load, made again after. */
function sqliteIndexes(db: Database.Database): { name: string; sql: string }[] {
  return db
    .prepare<[], { name: string; sql: string }>(
      `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
       AND tbl_name IN ('audit', 'outbox', 'consent_states', 'documents')`,
    )
    .all()
}

/**
 * Seeds a SQLite store at `file` (made by the server's own createSqliteStore + migrate), then loads
 * the history with one connection in large transactions, secondary indexes built after.
 */
export async function seedSqlite(
  file: string,
  opts: SeedOptions,
): Promise<{ seconds: number; figures: SeedFigures }> {
  {
    const store = createSqliteStore({ path: file })
    await store.migrate()
    await store.close()
  }
  const started = performance.now()
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = OFF')
  db.pragma('cache_size = -1048576')
  db.pragma('temp_store = MEMORY')
  const indexes = sqliteIndexes(db)
  for (const i of indexes) db.exec(`DROP INDEX ${i.name}`)
  const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ')
  const insertAudit = db.prepare(`INSERT INTO audit (${AUDIT_ENTRY_COLUMNS}) VALUES (${marks(20)})`)
  const insertOutbox = db.prepare(`INSERT INTO outbox (${OUTBOX_COLUMNS}) VALUES (${marks(7)})`)
  const insertDocument = db.prepare(
    `INSERT INTO documents (customer_id, update_seq, audit_seq, audit_head, snapshot, snapshot_seq)
     VALUES (?, 0, ?, ?, NULL, 0)`,
  )
  const insertState = db.prepare(`INSERT INTO consent_states (${CONSENT_STATE_COLUMNS}) VALUES (${marks(9)})`)
  let written = 0
  let entries = 0
  db.exec('BEGIN')
  const sink: SeedSink = {
    audit(r) {
      r[7] = (r[7] ? 1 : 0) as unknown as boolean
      insertAudit.run(r)
      written++
      if (++entries % PROGRESS_EVERY === 0)
        log(`  sqlite: ${entries} entries, ${((performance.now() - started) / 1000).toFixed(0)} s`)
    },
    outbox(r) {
      insertOutbox.run(r)
      written++
    },
    document(id, seq, head) {
      insertDocument.run(id, seq, head)
      written++
    },
    state(r) {
      r[3] = (r[3] ? 1 : 0) as unknown as boolean
      insertState.run(r)
      written++
    },
    drain() {
      if (written >= 500_000) {
        db.exec('COMMIT')
        db.exec('BEGIN')
        written = 0
      }
      return undefined
    },
  }
  const figures = await generate(opts, sink)
  db.exec('COMMIT')
  const indexed = performance.now()
  for (const i of indexes) db.exec(i.sql)
  log(
    `  sqlite: ${indexes.length} indexes made again in ${((performance.now() - indexed) / 1000).toFixed(1)} s`,
  )
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
  return { seconds: (performance.now() - started) / 1000, figures }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

/** Rows per multi-row INSERT (unnest of column arrays). */
const PG_BATCH = 10_000

type Columns = unknown[][]

/**
 * Seeds the PostgreSQL schema `schema` of `connectionString` (made by the server's own
 * createPostgresStore + migrate): unnest INSERTs of 10 000 rows, secondary indexes dropped for the
 * load and made again after (same definitions), outbox_head set, then VACUUM ANALYZE (what
 * autovacuum would soon do to tables this size).
 */
export async function seedPostgres(
  connectionString: string,
  schema: string,
  opts: SeedOptions,
): Promise<{ seconds: number; figures: SeedFigures }> {
  {
    const store = createPostgresStore({ connectionString, schema, statementTimeoutMs: 600_000 })
    await store.migrate()
    await store.close()
  }
  const started = performance.now()
  const client = new pg.Client({ connectionString })
  await client.connect()
  await client.query(`SET search_path TO "${schema}"`)
  await client.query('SET synchronous_commit = off')
  await client.query("SET maintenance_work_mem = '512MB'")
  const { rows: indexes } = await client.query<{ name: string; sql: string }>(
    `SELECT i.indexname AS name, i.indexdef AS sql FROM pg_indexes AS i
     WHERE i.schemaname = $1 AND i.tablename IN ('audit', 'outbox', 'consent_states', 'documents')
       AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conname = i.indexname
                       AND c.connamespace = $1::regnamespace)`,
    [schema],
  )
  for (const i of indexes) await client.query(`DROP INDEX "${schema}"."${i.name}"`)

  const table = (name: string, columns: string, types: string[]) => ({
    cols: types.map(() => [] as unknown[]) as Columns,
    sql: `INSERT INTO ${name} (${columns}) SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`,
  })
  const audit = table('audit', AUDIT_ENTRY_COLUMNS, [
    'text',
    'int',
    'text',
    'text',
    'text',
    'text',
    'text',
    'boolean',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
    'text',
  ])
  const outbox = table('outbox', OUTBOX_COLUMNS, ['bigint', 'text', 'text', 'text', 'text', 'text', 'jsonb'])
  const documents = table('documents', 'customer_id, update_seq, audit_seq, audit_head, snapshot_seq', [
    'text',
    'int',
    'int',
    'text',
    'int',
  ])
  const states = table('consent_states', CONSENT_STATE_COLUMNS, [
    'text',
    'text',
    'text',
    'boolean',
    'text',
    'text',
    'text',
    'text',
    'bigint',
  ])
  const all = [audit, outbox, documents, states]
  // At most one batch in flight: this process generates the next while PostgreSQL writes one.
  let inFlight: Promise<unknown> = Promise.resolve()
  const flush = async (t: (typeof all)[number]) => {
    const cols = t.cols
    t.cols = cols.map(() => [])
    await inFlight
    inFlight = client.query(t.sql, cols)
  }
  const push = (t: (typeof all)[number], row: readonly unknown[]) => {
    for (let i = 0; i < row.length; i++) t.cols[i]!.push(row[i])
  }
  let entries = 0
  const sink: SeedSink = {
    audit(r) {
      push(audit, r)
      if (++entries % PROGRESS_EVERY === 0)
        log(`  postgres: ${entries} entries, ${((performance.now() - started) / 1000).toFixed(0)} s`)
    },
    outbox: (r) => push(outbox, r),
    document: (id, seq, head) => push(documents, [id, 0, seq, head, 0]),
    state: (r) => push(states, r),
    drain() {
      const full = all.filter((t) => t.cols[0]!.length >= PG_BATCH)
      if (full.length === 0) return undefined
      return (async () => {
        for (const t of full) await flush(t)
      })()
    },
  }
  let figures: SeedFigures
  try {
    figures = await generate(opts, sink)
    for (const t of all) if (t.cols[0]!.length > 0) await flush(t)
    await inFlight
    await client.query('UPDATE outbox_head SET seq = $1', [figures.outboxHead])
    const indexed = performance.now()
    for (const i of indexes) await client.query(i.sql)
    log(
      `  postgres: ${indexes.length} indexes made again in ${((performance.now() - indexed) / 1000).toFixed(1)} s`,
    )
    const vacuumed = performance.now()
    await client.query('VACUUM ANALYZE audit, outbox, consent_states, documents')
    log(`  postgres: VACUUM ANALYZE in ${((performance.now() - vacuumed) / 1000).toFixed(1)} s`)
  } finally {
    await client.end()
  }
  return { seconds: (performance.now() - started) / 1000, figures }
}

// ---------------------------------------------------------------------------------------------
// Checks

/**
 * The invariants the accept path keeps, as SQL answering a count of violations (0 each), for both
 * dialects: `b(x)` is a boolean column read as 0/1.
 */
export function invariantQueries(dialect: 'sqlite' | 'postgres'): Record<string, string> {
  const b = (x: string) => (dialect === 'sqlite' ? x : `${x}::int`)
  const lastEntry = `SELECT customer_id, purpose_id, seq, new_state, conflicted, notice_version, received_at
    FROM (SELECT a.*, row_number() OVER (PARTITION BY customer_id, purpose_id ORDER BY seq DESC) AS n FROM audit AS a) AS x
    WHERE n = 1`
  return {
    'outbox seq gapless from 1':
      'SELECT (SELECT count(*) FROM outbox) - coalesce((SELECT max(seq) FROM outbox), 0)',
    'outbox seq in received_at order': `SELECT count(*) FROM outbox AS a JOIN outbox AS b ON b.seq = a.seq + 1
      WHERE b.created_at < a.created_at`,
    'audit entry without its decision.accepted': `SELECT count(*) FROM audit AS a LEFT JOIN outbox AS o
      ON o.id = 'evt_' || a.customer_id || '_' || a.seq AND o.type = 'decision.accepted'
      WHERE o.seq IS NULL`,
    'decision.accepted without its entry': `SELECT (SELECT count(*) FROM outbox WHERE type = 'decision.accepted')
      - (SELECT count(*) FROM audit)`,
    'customer seqs not 1..k': `SELECT count(*) FROM (SELECT customer_id, count(*) AS n, min(seq) AS lo, max(seq) AS hi
      FROM audit GROUP BY customer_id) AS x WHERE lo <> 1 OR hi <> n`,
    'received_at decreasing with seq': `SELECT count(*) FROM audit AS a JOIN audit AS b
      ON b.customer_id = a.customer_id AND b.seq = a.seq + 1 WHERE b.received_at < a.received_at`,
    'previous_state not the last new_state': `SELECT count(*) FROM (SELECT previous_state,
        lag(new_state) OVER (PARTITION BY customer_id, purpose_id ORDER BY seq) AS before FROM audit) AS x
      WHERE previous_state <> coalesce(before, 'withdrawn')`,
    'consent.changed not where the state moved': `SELECT count(*) FROM (SELECT a.customer_id, a.seq,
        CASE WHEN coalesce(lag(a.new_state) OVER (PARTITION BY a.customer_id, a.purpose_id ORDER BY a.seq), 'withdrawn')
          <> a.new_state THEN 1 ELSE 0 END AS moved FROM audit AS a) AS x
      LEFT JOIN outbox AS o ON o.id = 'evt_' || x.customer_id || '_' || x.seq || '_changed'
      WHERE x.moved <> (CASE WHEN o.seq IS NULL THEN 0 ELSE 1 END)`,
    'documents audit_seq not the last seq': `SELECT count(*) FROM documents AS d
      LEFT JOIN (SELECT customer_id, max(seq) AS hi FROM audit GROUP BY customer_id) AS a ON a.customer_id = d.customer_id
      WHERE a.hi IS NULL OR a.hi <> d.audit_seq`,
    'customers without a document': `SELECT count(DISTINCT customer_id) - (SELECT count(*) FROM documents) FROM audit`,
    'consent_states not the last entry': `SELECT count(*) FROM (${lastEntry}) AS l
      LEFT JOIN consent_states AS s ON s.purpose_id = l.purpose_id AND s.customer_id = l.customer_id
      LEFT JOIN outbox AS o ON o.id = 'evt_' || l.customer_id || '_' || l.seq
      WHERE s.state IS NULL OR s.state <> l.new_state OR s.effective_state <> l.new_state
        OR ${b('s.conflicted')} <> ${b('l.conflicted')} OR s.notice_version <> l.notice_version
        OR s.decided_at <> l.received_at OR s.change_seq <> o.seq`,
    'consent_states rows without entries': `SELECT (SELECT count(*) FROM consent_states) - (SELECT count(*) FROM (${lastEntry}) AS l)`,
    ...(dialect === 'sqlite'
      ? {
          'outbox data not JSON':
            'SELECT count(*) FROM outbox WHERE NOT json_valid(data) OR json(data) <> data',
        }
      : {}),
    'conflicted entries (not a violation: about 1 %, in per mille)': `SELECT (1000 * sum(${b('conflicted')})) / count(*) FROM audit`,
  }
}

export function verifySqlite(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true })
  try {
    return Object.fromEntries(
      Object.entries(invariantQueries('sqlite')).map(([name, sql]) => [
        name,
        Number(db.prepare(sql).pluck().get()),
      ]),
    )
  } finally {
    db.close()
  }
}

export async function verifyPostgres(
  connectionString: string,
  schema: string,
): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString })
  await client.connect()
  try {
    await client.query(`SET search_path TO "${schema}"`)
    const out: Record<string, number> = {}
    for (const [name, sql] of Object.entries(invariantQueries('postgres'))) {
      const { rows } = await client.query({ text: sql, rowMode: 'array' })
      out[name] = Number((rows[0] as unknown[])[0])
    }
    const head = await client.query<{ ok: boolean }>(
      'SELECT (SELECT seq FROM outbox_head) = (SELECT coalesce(max(seq), 0) FROM outbox) AS ok',
    )
    out['outbox_head not the max seq'] = head.rows[0]?.ok ? 0 : 1
    return out
  } finally {
    await client.end()
  }
}

/** What a seeding run leaves next to its store, so that bench/analytics.ts can use a prepared store. */
export interface SeedRecord {
  opts: SeedOptions
  seconds: number
  figures: SeedFigures
}

/** Where the record of a seeded store is: next to the SQLite file, or in the temp dir for a schema. */
export const preparedRecordPath = (store: 'sqlite' | 'postgres', where: string) =>
  store === 'sqlite' ? `${where}.seed.json` : path.join(tmpdir(), `analytics-seed-${where}.json`)

async function writeSeedRecord(file: string, record: SeedRecord) {
  await writeFile(file, JSON.stringify(record))
  log(`record: ${file}`)
}

export async function readSeedRecord(file: string): Promise<SeedRecord> {
  return JSON.parse(await readFile(file, 'utf8')) as SeedRecord
}

// ---------------------------------------------------------------------------------------------
// Run on its own: seed (and check) a store.

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      store: { type: 'string', default: 'sqlite' },
      customers: { type: 'string', default: '1000' },
      entries: { type: 'string', default: '10000' },
      days: { type: 'string', default: '730' },
      seed: { type: 'string', default: '1' },
      now: { type: 'string' },
      file: { type: 'string' },
      'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/analytics_bench' },
      schema: { type: 'string' },
      verify: { type: 'boolean', default: false },
    },
  })
  const opts: SeedOptions = {
    customers: Number(values.customers),
    entries: Number(values.entries),
    days: Number(values.days),
    seed: Number(values.seed),
    now: values.now ? Date.parse(values.now) : Date.now(),
  }
  // What bench/analytics.ts asks `?at=` about: a year before the last day.
  opts.snapshotDays = [dayOf(opts.now - 60_000 - 365 * DAY)]
  if (values.store === 'postgres') {
    const schema = values.schema ?? `analytics_seed_${opts.seed}`
    const { seconds, figures } = await seedPostgres(values['database-url'], schema, opts)
    log(`seeded schema ${schema} in ${seconds.toFixed(1)} s: ${JSON.stringify(figures)}`)
    await writeSeedRecord(preparedRecordPath('postgres', schema), { opts, seconds, figures })
    if (values.verify) console.log(await verifyPostgres(values['database-url'], schema))
  } else {
    const file = values.file ?? path.join(await mkdtemp(path.join(tmpdir(), 'analytics-seed-')), 'test.db')
    const { seconds, figures } = await seedSqlite(file, opts)
    log(`seeded ${file} in ${seconds.toFixed(1)} s: ${JSON.stringify(figures)}`)
    await writeSeedRecord(preparedRecordPath('sqlite', file), { opts, seconds, figures })
    if (values.verify) console.log(verifySqlite(file))
  }
}
