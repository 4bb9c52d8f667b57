/**
 * The benchmark harness: consent-sync, the stock y-websocket server and Hocuspocus, side by side in
 * one run (DESIGN.md §11). Each server and the load generator run in their own processes.
 *
 *   npm run bench                 full mode (about 25 minutes), scale-out group included
 *   npm run bench -- --quick      quick mode (a few minutes), without the scale-out group
 *   npm run bench -- --scale-out  only the scale-out group (add --quick for the short version)
 *   options: --repeat N (runs of scenarios 1–3), --only 1,2,3,4,5,6,7,scale-out,
 *            --servers consent-sync,hocuspocus
 */
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { bundleSizes } from './lib/bundles'
import { planFor } from './lib/plan'
import { bundleTable, type ColumnRow, columnTable, crashTable, type Row, table } from './lib/report'
import * as SO from './lib/scale-out'
import * as S from './lib/scenarios'
import { SERVER_KINDS, type ServerKind } from './lib/servers'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    repeat: { type: 'string' },
    only: { type: 'string' },
    'scale-out': { type: 'boolean', default: false },
    servers: { type: 'string', default: SERVER_KINDS.join(',') },
  },
})
const plan = planFor(values.quick ? 'quick' : 'full', values.repeat ? Number(values.repeat) : undefined)
// --scale-out alone: only that group; full mode runs it after scenarios 1–7, quick mode does not.
const onlyList =
  values.only ??
  (values['scale-out'] ? 'scale-out' : plan.mode === 'full' ? '1,2,3,4,5,6,7,scale-out' : '1,2,3,4,5,6,7')
const only = new Set(onlyList.split(','))
if (values['scale-out']) only.add('scale-out')
const want = (group: number | string) => only.has(String(group))
const mainGroups = [1, 2, 3, 4, 5, 6, 7].some(want)
const kinds = values.servers.split(',') as ServerKind[]
const log = (s: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}\n`)

type Results = Record<string, Partial<Record<ServerKind, unknown[]>>>
const results: Results = {}
const put = (scenario: string, kind: ServerKind, value: unknown) => {
  const byKind = results[scenario] ?? {}
  results[scenario] = byKind
  byKind[kind] = [...(byKind[kind] ?? []), value]
}

/** Runs one scenario for one server; a failure is recorded, not fatal, so the other servers still run. */
async function attempt(scenario: string, kind: ServerKind, run: () => Promise<unknown>) {
  const t0 = Date.now()
  try {
    const r = await run()
    put(scenario, kind, r)
    log(
      `${scenario} ${kind}: ${JSON.stringify(r).slice(0, 300)} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
    )
  } catch (err) {
    put(scenario, kind, { error: String((err as Error).message ?? err).slice(0, 500) })
    log(`${scenario} ${kind} FAILED: ${(err as Error).message}`)
  }
}

type ScaleOutResults = Record<string, Partial<Record<SO.Deployment, unknown[]>>>
const scaleOut: ScaleOutResults = {}

/** The scale-out group: each repeat runs scenario 1, 2, 3 on SQLite, PostgreSQL ×1 and ×2 in turn. */
async function runScaleOut() {
  const services = await SO.servicesAvailable()
  const record = (scenario: string, d: SO.Deployment, value: unknown) => {
    const byDeployment = scaleOut[scenario] ?? {}
    scaleOut[scenario] = byDeployment
    byDeployment[d] = [...(byDeployment[d] ?? []), value]
  }
  if (!services.ok) {
    log(`scale-out skipped: ${services.why}`)
    for (const d of SO.DEPLOYMENTS) record('so-1-sequential', d, { error: services.why })
    return
  }
  const step = async (scenario: string, d: SO.Deployment, run: () => Promise<unknown>) => {
    const t0 = Date.now()
    try {
      const r = await run()
      record(scenario, d, r)
      log(`${scenario} ${d}: ${JSON.stringify(r).slice(0, 300)} (${((Date.now() - t0) / 1000).toFixed(1)} s)`)
    } catch (err) {
      record(scenario, d, { error: String((err as Error).message ?? err).slice(0, 500) })
      log(`${scenario} ${d} FAILED: ${(err as Error).message}`)
    }
  }
  for (let r = 0; r < plan.repeat; r++) {
    for (const d of SO.DEPLOYMENTS) await step('so-1-sequential', d, () => SO.sequentialOn(d, plan))
    for (const d of SO.DEPLOYMENTS) await step('so-2-scale', d, () => SO.scaleOn(d, plan))
    for (const d of SO.DEPLOYMENTS) await step('so-3-durable', d, () => SO.durableOn(d, plan))
  }
}

async function main() {
  const started = Date.now()
  for (const kind of mainGroups ? kinds : []) {
    for (let r = 0; r < plan.repeat; r++) {
      if (want(1)) await attempt('1-sequential', kind, () => S.sequential(kind, plan))
      if (want(2)) await attempt('2-scale', kind, () => S.scale(kind, plan))
      if (want(3)) {
        if (kind === 'consent-sync') {
          await attempt('3-durable-FULL', kind, () => S.durable(kind, plan, 'FULL'))
          await attempt('3-durable-NORMAL', kind, () => S.durable(kind, plan, 'NORMAL'))
        } else {
          await attempt('3-durable-FULL', kind, () => S.durable(kind, plan))
        }
      }
    }
    if (want(2) && plan.scale.steps.length)
      await attempt('2-saturation', kind, () => S.saturation(kind, plan))
    if (want(4) && plan.memory) await attempt('4-memory', kind, () => S.memory(kind, plan))
    if (want(5) && plan.cold && kind !== 'y-websocket')
      await attempt('5-cold', kind, () => S.cold(kind, plan))
    if (want(6) && plan.stormClients) await attempt('6-storm', kind, () => S.storm(kind, plan))
  }
  if (want('scale-out')) await runScaleOut()
  const bundles = want(7) ? await bundleSizes() : []
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  }
  const date = new Date().toISOString()
  const md = [
    `consent-sync benchmark, ${plan.mode} mode, ${date}`,
    `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGB} GB, Node ${machine.node}, load ${machine.loadAverage.join(' ')}`,
    `command: npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}; took ${Math.round((Date.now() - started) / 1000)} s`,
    ...(mainGroups ? ['', table(rows()), '', bundleTable(bundles), '', crashTable()] : []),
    ...(want('scale-out') ? ['', 'Scaling out: one instance vs two', '', scaleOutTable()] : []),
  ].join('\n')
  const suffix = mainGroups ? '' : '-scale-out'
  const out = path.join(import.meta.dirname, 'results', `${date.slice(0, 10)}-${plan.mode}${suffix}.json`)
  await mkdir(path.dirname(out), { recursive: true })
  await writeFile(
    out,
    `${JSON.stringify({ date, mode: plan.mode, plan, machine, results, scaleOut, bundles }, null, 2)}\n`,
  )
  process.stdout.write(`${md}\n\nraw results: ${path.relative(process.cwd(), out)}\n`)
}

// Pulls one number out of each repeat's result for a table row.
function pick(scenario: string, get: (r: never) => number | null | undefined): Row['values'] {
  const out: Row['values'] = {}
  for (const kind of SERVER_KINDS) {
    const rs = results[scenario]?.[kind]
    if (!rs) continue
    out[kind] = rs.map((r) => ((r as { error?: string }).error ? null : (get(r as never) ?? null)))
  }
  return out
}

function rows(): Row[] {
  type Seq = S.SequentialResult
  type Rate = import('./loadgen').RateResult
  const rows: Row[] = [
    {
      label: `1. propagation, 1 doc × 2 clients, ${plan.sequentialDecisions} decisions one at a time: p50`,
      unit: 'ms',
      values: pick('1-sequential', (r: Seq) => r.latencyMs.p50),
    },
    { label: '1. … p95', unit: 'ms', values: pick('1-sequential', (r: Seq) => r.latencyMs.p95) },
    { label: '1. … p99', unit: 'ms', values: pick('1-sequential', (r: Seq) => r.latencyMs.p99) },
    { label: '1. … max', unit: 'ms', values: pick('1-sequential', (r: Seq) => r.latencyMs.max) },
    { label: '1. … delivered', unit: 'count', values: pick('1-sequential', (r: Seq) => r.received) },
    {
      label: `2. scale: ${plan.scale.docs} docs × 2 clients, target ${plan.scale.rate} updates/s for ${plan.scale.seconds} s: achieved`,
      unit: 'updates/s',
      values: pick('2-scale', (r: Rate) => r.achievedRate),
    },
    { label: '2. … p50', unit: 'ms', values: pick('2-scale', (r: Rate) => r.latencyMs.p50) },
    { label: '2. … p99', unit: 'ms', values: pick('2-scale', (r: Rate) => r.latencyMs.p99) },
    { label: '2. … max', unit: 'ms', values: pick('2-scale', (r: Rate) => r.latencyMs.max) },
  ]
  if (results['2-saturation']) {
    rows.push({
      label: '2. highest stepped rate with p99 ≤ 100 ms and ≥ 90% achieved',
      unit: 'updates/s',
      values: pick('2-saturation', (r: S.SaturationResult) => r.sustained),
    })
  }
  rows.push(
    {
      label: `3. accepted updates/s, ${plan.durable.docs} writers, closed loop (cs: durable ack, SQLITE_SYNCHRONOUS=FULL; hocuspocus: "applied" status, stored later; y-websocket: echo to a 2nd client, in memory)`,
      unit: 'updates/s',
      values: pick('3-durable-FULL', (r: S.DurableResult) => r.perSecond),
    },
    {
      label: '3. … acceptance latency p99',
      unit: 'ms',
      values: pick('3-durable-FULL', (r: S.DurableResult) => r.ackLatencyMs.p99),
    },
    {
      label: '3. cs with SQLITE_SYNCHRONOUS=NORMAL (peers: same as above)',
      unit: 'updates/s',
      values: {
        ...pick('3-durable-FULL', (r: S.DurableResult) => r.perSecond),
        'consent-sync': pick('3-durable-NORMAL', (r: S.DurableResult) => r.perSecond)['consent-sync'] ?? [],
      },
    },
  )
  if (results['4-memory']) {
    const m = plan.memory!
    const stage = (i: number) => (r: S.MemoryResult) => r.stages[i]?.rssBytes
    rows.push(
      { label: '4. server RSS idle', unit: 'MB', values: pick('4-memory', stage(0)) },
      { label: `4. RSS with ${m.first} docs / connections`, unit: 'MB', values: pick('4-memory', stage(1)) },
      { label: `4. RSS with ${m.second} docs / connections`, unit: 'MB', values: pick('4-memory', stage(2)) },
      {
        label: `4. RSS with ${m.second} docs / ${m.second + m.extraConnections} connections`,
        unit: 'MB',
        values: pick('4-memory', stage(3)),
      },
      {
        label: '4. per connection (extra connections on loaded docs)',
        unit: 'KB',
        values: pick('4-memory', (r: S.MemoryResult) => r.bytesPerConnection),
      },
      {
        label: '4. per document (beyond its connection)',
        unit: 'KB',
        values: pick('4-memory', (r: S.MemoryResult) => r.bytesPerDocument),
      },
      {
        label: '4. documents (each with one connection) per GB',
        unit: 'count',
        values: pick('4-memory', (r: S.MemoryResult) => r.documentsPerGB),
      },
      {
        label: `4. cs heapUsed with ${m.second} docs (/metrics)`,
        unit: 'MB',
        values: pick('4-memory', (r: S.MemoryResult) => r.stages[2]?.heapUsedBytes),
      },
    )
  }
  if (results['5-cold']) {
    rows.push(
      {
        label: `5. cold load after restart, ${plan.cold!.docs} docs × ${plan.cold!.decisionsPerDoc} decisions: connect → step 2 p50`,
        unit: 'ms',
        values: pick('5-cold', (r: S.ColdResult) => r.connectToStep2Ms.p50),
      },
      { label: '5. … p99', unit: 'ms', values: pick('5-cold', (r: S.ColdResult) => r.connectToStep2Ms.p99) },
    )
  }
  if (results['6-storm']) {
    rows.push(
      {
        label: `6. reconnect storm, ${plan.stormClients} clients: SIGTERM → all synced again`,
        unit: 'ms',
        values: pick('6-storm', (r: S.StormResult) => r.fromStopMs),
      },
      {
        label: '6. … of which the server restart (SIGTERM → ready)',
        unit: 'ms',
        values: pick('6-storm', (r: S.StormResult) => r.restartMs),
      },
      {
        label: '6. … ready → all synced again',
        unit: 'ms',
        values: pick('6-storm', (r: S.StormResult) => r.fromReadyMs),
      },
      {
        label: '6. … clients synced again',
        unit: 'count',
        values: pick('6-storm', (r: S.StormResult) => r.resynced),
      },
    )
  }
  return rows
}

/** The scale-out table: one column per deployment, ratios 2 instances / 1 and postgres / sqlite. */
function scaleOutTable(): string {
  type Seq = S.SequentialResult
  type Rate = import('./loadgen').RateResult
  type Dur = S.DurableResult
  const pickSO = (scenario: string, get: (r: never) => number | null | undefined) => {
    const out: ColumnRow<SO.Deployment>['values'] = {}
    for (const d of SO.DEPLOYMENTS) {
      const rs = scaleOut[scenario]?.[d]
      if (rs) out[d] = rs.map((r) => ((r as { error?: string }).error ? null : (get(r as never) ?? null)))
    }
    return out
  }
  const percentiles = (scenario: string, prefix: string, get: (r: never) => import('./lib/stats').Summary) =>
    (['p50', 'p95', 'p99', 'max'] as const).map((p, i) => ({
      label: i === 0 ? `${prefix}: ${p}` : `${prefix.split('.')[0]}. … ${p}`,
      unit: 'ms',
      values: pickSO(scenario, (r: never) => get(r)[p]),
    }))
  const rows: ColumnRow<SO.Deployment>[] = [
    ...percentiles(
      'so-1-sequential',
      `1. propagation, 1 doc × 2 clients, ${plan.sequentialDecisions} decisions one at a time`,
      (r: Seq) => r.latencyMs,
    ),
    { label: '1. … delivered', unit: 'count', values: pickSO('so-1-sequential', (r: Seq) => r.received) },
    {
      label: `2. scale: ${plan.scale.docs} docs × 2 clients, target ${plan.scale.rate} updates/s for ${plan.scale.seconds} s: achieved`,
      unit: 'updates/s',
      values: pickSO('so-2-scale', (r: Rate) => r.achievedRate),
    },
    ...percentiles('so-2-scale', '2. … propagation', (r: Rate) => r.latencyMs).map((row, i) =>
      i === 0 ? { ...row, label: '2. … p50' } : row,
    ),
    {
      label: `3. durable accepted updates/s, ${plan.durable.docs} writers, closed loop on the durable ack (message 100)`,
      unit: 'updates/s',
      values: pickSO('so-3-durable', (r: Dur) => r.perSecond),
    },
    ...percentiles('so-3-durable', '3. … ack latency', (r: Dur) => r.ackLatencyMs).map((row, i) =>
      i === 0 ? { ...row, label: '3. … ack latency p50' } : row,
    ),
    {
      label: '3. … propagation to the watcher p99',
      unit: 'ms',
      values: pickSO('so-3-durable', (r: Dur) => r.propagationMs.p99),
    },
  ]
  return columnTable(
    SO.DEPLOYMENTS.map((key) => ({ key, label: SO.DEPLOYMENT_LABEL[key] })),
    [
      ['2 instances / 1 instance', 'postgres-2', 'postgres-1'],
      ['postgres 1 / sqlite', 'postgres-1', 'sqlite'],
    ],
    rows,
  )
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
