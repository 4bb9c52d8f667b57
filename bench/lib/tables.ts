/**
 * What a run prints: the three servers side by side (ratios consent-sync / each peer), and
 * consent-sync's deployments side by side (two instances / one, PostgreSQL / SQLite). Both read the
 * same results: a row is one number of one scenario, per target, one per repeat.
 */
import type { ColdResult, RateResult, SequentialResult } from '../loadgen/tasks'
import type { BundleSize } from './bundles'
import type { Results } from './harness'
import type { Plan } from './plan'
import { bundleTable, type ColumnRow, columnTable } from './report'
import type { ConnectionsResult, DurableResult, SaturationResult, StormResult } from './scenarios'
import type { Summary } from './stats'
import { PEERS, SCALE_OUT, type ServerKind, type Target, targetName } from './target'

interface RowSpec {
  label: string
  unit: string
  /** The scenario whose results the number comes from, for each column. */
  scenario: (t: Target) => string
  get: (result: never) => number | null | undefined
}

function row<R>(
  label: string,
  unit: string,
  scenario: string | ((t: Target) => string),
  get: (r: R) => number | null | undefined,
): RowSpec {
  return { label, unit, scenario: typeof scenario === 'string' ? () => scenario : scenario, get } as RowSpec
}

const PERCENTILES = ['p50', 'p95', 'p99', 'max'] as const

/** A latency's percentiles: the first row labelled `${first}p50${after}`, the next ones `n. … p95${after}`. */
function latencyRows<R>(
  scenario: string,
  first: string,
  get: (r: R) => Summary,
  points: readonly (typeof PERCENTILES)[number][] = PERCENTILES,
  after = '',
) {
  const n = first.split('.')[0]
  return points.map((p, i) =>
    row(`${i === 0 ? first : `${n}. … `}${p}${after}`, 'ms', scenario, (r: R) => get(r)[p]),
  )
}

const propagationRows = (plan: Plan): RowSpec[] => [
  ...latencyRows(
    '1-sequential',
    `1. propagation, 1 doc × 2 clients, ${plan.sequentialDecisions} decisions one at a time: `,
    (r: SequentialResult) => r.latencyMs,
  ),
  row('1. … delivered', 'count', '1-sequential', (r: SequentialResult) => r.received),
]

/** An open loop's rows: the achieved rate, then its latency percentiles (`after` tells them apart). */
const rateRows = (scenario: string, s: { docs: number; rate: number; seconds: number }, after = '') => [
  row(
    `2. scale: ${s.docs} docs × 2 clients, target ${s.rate} updates/s for ${s.seconds} s: achieved`,
    'updates/s',
    scenario,
    (r: RateResult) => r.achievedRate,
  ),
  ...latencyRows(scenario, `2. … `, (r: RateResult) => r.latencyMs, PERCENTILES, after),
]

const scaleRows = ({ scale }: Plan): RowSpec[] => rateRows('2-scale', scale)

type Cell<R> = [label: string, unit: string, get: (r: R) => number | null | undefined]

/** The rows of one scenario's results. */
const rowsOf = <R>(scenario: string, cells: Cell<R>[]): RowSpec[] =>
  cells.map(([label, unit, get]) => row(label, unit, scenario, get))

/** 1 000, 20 000: the curve's sizes as the issue writes them. */
const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ' ')

function connectionsRows(c: NonNullable<Plan['connections']>): RowSpec[] {
  const at = (i: number) => (r: ConnectionsResult) => r.points[i]
  const largest = thousands(c.sizes.at(-1)!)
  const between = c.sizes.length > 1 ? `${thousands(c.sizes.at(-2)!)} → ${largest}` : `0 → ${largest}`
  const memory = c.sizes.map(
    (n, i): Cell<ConnectionsResult> => [
      `4b. RSS with ${thousands(n)} connections (${thousands(n / 2)} docs × writer + watcher)`,
      'MB',
      (r) => at(i)(r)?.watchers.rssBytes,
    ],
  )
  const latency = c.sizes.flatMap((n, i): Cell<ConnectionsResult>[] => [
    [
      `4b. propagation at ${c.rate} updates/s for ${c.seconds} s with ${thousands(n)} connections open: p50`,
      'ms',
      (r) => at(i)(r)?.updates.latencyMs.p50,
    ],
    [`4b. … p99 at ${thousands(n)} connections`, 'ms', (r) => at(i)(r)?.updates.latencyMs.p99],
    [`4b. … achieved at ${thousands(n)} connections`, 'updates/s', (r) => at(i)(r)?.updates.achievedRate],
    [`4b. … RSS after those updates`, 'MB', (r) => at(i)(r)?.afterUpdates.rssBytes],
  ])
  return rowsOf<ConnectionsResult>('4b-connections', [
    ['4. server RSS idle', 'MB', (r) => r.points[0]?.idle.rssBytes],
    ...memory,
    ...latency,
    [
      `4b. per extra connection (a watcher on an open document, at ${largest} connections)`,
      'KB',
      (r) => r.bytesPerConnection,
    ],
    [
      `4b. per online customer (a document + its writer's connection, ${between} connections)`,
      'KB',
      (r) => r.bytesPerOnlineCustomer,
    ],
    ['4. per document (beyond its connection)', 'KB', (r) => r.bytesPerDocument],
    ['4. documents (each with one connection) per GB', 'count', (r) => r.documentsPerGB],
    [
      `4b. cs heapUsed with ${largest} connections (/metrics)`,
      'MB',
      (r) => r.points.at(-1)?.watchers.heapUsedBytes,
    ],
  ])
}

const stormRows = (clients: number): RowSpec[] =>
  rowsOf<StormResult>('6-storm', [
    [`6. reconnect storm, ${clients} clients: SIGTERM → all synced again`, 'ms', (r) => r.fromStopMs],
    ['6. … of which the server restart (SIGTERM → ready)', 'ms', (r) => r.restartMs],
    ['6. … ready → all synced again', 'ms', (r) => r.fromReadyMs],
    ['6. … clients synced again', 'count', (r) => r.resynced],
  ])

function serverRows(plan: Plan): RowSpec[] {
  const { durable, cold } = plan
  return [
    ...propagationRows(plan),
    ...scaleRows(plan),
    ...rateRows('2-scale-2000', plan.scale2000, ` at ${plan.scale2000.rate}/s`),
    row(
      '2. highest stepped rate with p99 ≤ 100 ms and ≥ 90% achieved',
      'updates/s',
      '2-saturation',
      (r: SaturationResult) => r.sustained,
    ),
    row(
      `3. accepted updates/s, ${durable.docs} writers, closed loop (cs: durable ack, SQLITE_SYNCHRONOUS=FULL; hocuspocus: "applied" status, stored later; y-websocket: echo to a 2nd client, in memory)`,
      'updates/s',
      '3-durable-FULL',
      (r: DurableResult) => r.perSecond,
    ),
    ...latencyRows('3-durable-FULL', '3. … acceptance latency ', (r: DurableResult) => r.ackLatencyMs, [
      'p99',
    ]),
    row(
      '3. … server CPU per accepted update (all threads)',
      'µs',
      '3-durable-FULL',
      (r: DurableResult) => r.serverCpuMicrosPerUpdate,
    ),
    row(
      '3. cs with SQLITE_SYNCHRONOUS=NORMAL (peers: same as above)',
      'updates/s',
      (t) => (t.server === 'consent-sync' ? '3-durable-NORMAL' : '3-durable-FULL'),
      (r: DurableResult) => r.perSecond,
    ),
    ...(plan.connections ? connectionsRows(plan.connections) : []),
    ...(cold
      ? latencyRows(
          '5-cold',
          `5. cold load after restart, ${cold.docs} docs × ${cold.decisionsPerDoc} decisions: connect → step 2 `,
          (r: ColdResult) => r.connectToStep2Ms,
          ['p50', 'p99'],
        )
      : []),
    ...(plan.stormClients ? stormRows(plan.stormClients) : []),
  ]
}

const scaleOutRows = (plan: Plan): RowSpec[] => [
  ...propagationRows(plan),
  ...scaleRows(plan),
  row(
    `3. durable accepted updates/s, ${plan.durable.docs} writers, closed loop on the durable ack (message 100)`,
    'updates/s',
    '3-durable-FULL',
    (r: DurableResult) => r.perSecond,
  ),
  ...latencyRows('3-durable-FULL', '3. … ack latency ', (r: DurableResult) => r.ackLatencyMs),
  row(
    '3. … server CPU per accepted update (every instance, all threads)',
    'µs',
    '3-durable-FULL',
    (r: DurableResult) => r.serverCpuMicrosPerUpdate,
  ),
  row(
    '3. … propagation to the watcher p99',
    'ms',
    '3-durable-FULL',
    (r: DurableResult) => r.propagationMs.p99,
  ),
]

/** What each server promises about an accepted update if its process crashes. */
const CRASH_PROMISE: Record<ServerKind, string> = {
  'consent-sync':
    'an update is acknowledged (message 100) only after its SQLite transaction committed; FULL survives power loss, NORMAL survives a process crash',
  'y-websocket': 'in memory (no YPERSISTENCE): everything since start is lost on a crash or restart',
  hocuspocus:
    'stored 2 s after the last change (at most 10 s), or when the last client leaves: a crash loses up to ~10 s of accepted updates',
}

const crashTable = () =>
  [
    '| server | on a crash |',
    '|---|---|',
    ...PEERS.map((t) => `| ${t.server} | ${CRASH_PROMISE[t.server]} |`),
  ].join('\n')

interface View {
  title?: string
  columns: readonly { target: Target; label: string }[]
  ratios: readonly [label: string, numerator: Target, denominator: Target][]
  rows(plan: Plan): RowSpec[]
  /** Tables printed right after this one. */
  after?(bundles: BundleSize[]): string[]
}

const [consentSync, yWebsocket, hocuspocus] = PEERS as [Target, Target, Target]
const [sqlite, postgres1, postgres2] = SCALE_OUT as [Target, Target, Target]

const VIEWS: readonly View[] = [
  {
    columns: PEERS.map((target) => ({ target, label: target.server })),
    ratios: [
      ['cs / y-websocket', consentSync, yWebsocket],
      ['cs / hocuspocus', consentSync, hocuspocus],
    ],
    rows: serverRows,
    after: (bundles) => [...(bundles.length ? ['', bundleTable(bundles)] : []), '', crashTable()],
  },
  {
    title: 'Scaling out: one instance vs two',
    columns: [
      { target: sqlite, label: 'SQLite, 1 instance' },
      { target: postgres1, label: 'PostgreSQL, 1 instance' },
      { target: postgres2, label: 'PostgreSQL, 2 instances' },
    ],
    ratios: [
      ['2 instances / 1 instance', postgres2, postgres1],
      ['postgres 1 / sqlite', postgres1, sqlite],
    ],
    rows: scaleOutRows,
  },
]

function render(view: View, plan: Plan, results: Results): string {
  const columns = view.columns.map((c) => ({ key: targetName(c.target), label: c.label }))
  const rows: ColumnRow<string>[] = []
  for (const spec of view.rows(plan)) {
    const values: ColumnRow<string>['values'] = {}
    for (const c of view.columns) {
      const runs = results[spec.scenario(c.target)]?.[targetName(c.target)]
      if (!runs) continue
      values[targetName(c.target)] = runs.map((r) =>
        (r as { error?: string }).error ? null : (spec.get(r as never) ?? null),
      )
    }
    // A scenario no column ran (not selected, or not in this plan) has no row.
    if (Object.keys(values).length > 0) rows.push({ label: spec.label, unit: spec.unit, values })
  }
  const ratios = view.ratios.map(
    ([label, a, b]) => [label, targetName(a), targetName(b)] as [string, string, string],
  )
  return columnTable(columns, ratios, rows)
}

/**
 * The tables of a run, in Markdown: each table that compares something (two or more of its columns
 * ran); a run of one target gets the first table holding it. Then the client bundles, if measured.
 */
export function report(plan: Plan, results: Results, bundles: BundleSize[]): string {
  const ran = (t: Target) => Object.values(results).some((byTarget) => byTarget[targetName(t)]?.length)
  const ranIn = (v: View) => v.columns.filter((c) => ran(c.target)).length
  let shown = VIEWS.filter((v) => ranIn(v) >= 2)
  if (shown.length === 0) shown = VIEWS.filter((v) => ranIn(v) > 0).slice(0, 1)
  const parts = shown.flatMap((v) => [
    ...(v.title ? ['', v.title] : []),
    '',
    render(v, plan, results),
    ...(v.after?.(bundles) ?? []),
  ])
  if (!shown.some((v) => v.after) && bundles.length) parts.push('', bundleTable(bundles))
  return parts.join('\n')
}
