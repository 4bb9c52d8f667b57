/**
 * `npm run bench`: the scenarios (lib/scenarios.ts) on a list of targets (lib/target.ts), each run
 * on a fresh deployment with the load generator in its own process (DESIGN.md §11).
 *
 *   npm run bench                 full mode: every scenario on the three servers and on consent-sync's
 *                                 PostgreSQL deployments (one instance, two)
 *   npm run bench -- --quick      quick mode: small sizes, the three servers only
 *   npm run bench -- --scale-out  only the scale-out comparison (add --quick for the short version)
 *   options: --targets consent-sync,hocuspocus,consent-sync/postgres/2  --only 1,2,3 (groups or ids)
 *            --repeat N (runs of scenarios 1–3)  --writers N --seconds S --writers-only (scenario 3)
 */
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { bundleSizes } from './lib/bundles'
import { runBench } from './lib/harness'
import { childOpenFiles } from './lib/limits'
import { fitToOpenFiles, type Plan, planFor } from './lib/plan'
import { CONNECTIONS, DURABLE_FULL, SCALE, SCENARIOS, SEQUENTIAL } from './lib/scenarios'
import { report } from './lib/tables'
import { PEERS, parseTarget, SCALE_OUT, type Target, targetName } from './lib/target'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    repeat: { type: 'string' },
    only: { type: 'string' },
    targets: { type: 'string' },
    'scale-out': { type: 'boolean', default: false },
    writers: { type: 'string' },
    seconds: { type: 'string' },
    'writers-only': { type: 'boolean', default: false },
  },
})

function thePlan(): Plan {
  const plan = planFor(values.quick ? 'quick' : 'full', values.repeat ? Number(values.repeat) : undefined)
  const durable = {
    docs: values.writers ? Number(values.writers) : plan.durable.docs,
    seconds: values.seconds ? Number(values.seconds) : plan.durable.seconds,
    watchers: !values['writers-only'],
  }
  return { ...plan, durable }
}

/** Full mode: the servers and the scale-out deployments (SQLite is in both); quick: the servers. */
function defaultTargets(plan: Plan): readonly Target[] {
  if (values['scale-out']) return SCALE_OUT
  if (plan.mode === 'quick') return PEERS
  return [...PEERS, ...SCALE_OUT.filter((t) => !PEERS.some((p) => targetName(p) === targetName(t)))]
}

const log = (s: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}\n`)
// Scenario 4b holds up to 20 000 connections: one descriptor each in the server and the load generator.
const openFiles = childOpenFiles()
const fitted = fitToOpenFiles(thePlan(), openFiles)
const plan = fitted.plan
const targets = values.targets ? values.targets.split(',').map(parseTarget) : defaultTargets(plan)
// --scale-out compares deployments on the key scenarios, at SQLite's default FULL.
const only = new Set(
  (values.only ?? (values['scale-out'] ? [SEQUENTIAL, SCALE, DURABLE_FULL].map((s) => s.id).join(',') : ''))
    .split(',')
    .filter(Boolean),
)
const want = (group: number, id = '') => only.size === 0 || only.has(String(group)) || only.has(id)
const scenarios = SCENARIOS.filter((s) => want(s.group, s.id))
const unknown = [...only].filter(
  (o) => o !== '7' && !SCENARIOS.some((s) => s.id === o || String(s.group) === o),
)
if (unknown.length)
  throw new Error(`--only: no scenario ${unknown.join(', ')} (ids: ${SCENARIOS.map((s) => s.id).join(', ')})`)
const cuts = scenarios.includes(CONNECTIONS) ? fitted.cut : []
for (const [asked, measured] of cuts) {
  log(
    `4b: ${asked} connections need more open files than the ${openFiles} a process may open here (its hard limit, which only CAP_SYS_RESOURCE may raise): measuring ${measured}`,
  )
}

async function main() {
  const started = Date.now()
  const { results, skipped } = await runBench(plan, targets, scenarios, log)
  // 7 is not a target's: the built pages' JavaScript.
  const bundles = want(7) && !values['scale-out'] ? await bundleSizes() : []
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
    `targets: ${targets.map(targetName).join(', ')}`,
    ...cuts.map(
      ([asked, measured]) =>
        `4b: ${measured} connections instead of ${asked} (open files: ${openFiles} a process)`,
    ),
    ...Object.entries(skipped).map(([name, why]) => `skipped ${name}: ${why}`),
    report(plan, results, bundles),
  ].join('\n')
  const suffix = values['scale-out'] ? '-scale-out' : ''
  const out = path.join(import.meta.dirname, 'results', `${date.slice(0, 10)}-${plan.mode}${suffix}.json`)
  await mkdir(path.dirname(out), { recursive: true })
  const raw = {
    date,
    mode: plan.mode,
    plan,
    machine,
    targets: targets.map(targetName),
    openFiles,
    cut: cuts,
    results,
    skipped,
    bundles,
  }
  await writeFile(out, `${JSON.stringify(raw, null, 2)}\n`)
  process.stdout.write(`${md}\n\nraw results: ${path.relative(process.cwd(), out)}\n`)
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
