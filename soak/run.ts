/**
 * `npm run soak -- --seed 42 --minutes 30` (or `--short`): runs the fault soak, prints a
 * summary and writes it to soak/results/<seed>-<minutes>.json. Exit 1 when a promise broke.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { runSoak, type SoakResult } from './soak'

// Each y-websocket provider in Node adds a process 'exit' listener; a soak opens dozens.
process.setMaxListeners(0)

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '42' },
    minutes: { type: 'string' },
    short: { type: 'boolean', default: false },
  },
})

const seed = Number(values.seed)
const minutes = Number(values.minutes ?? (values.short ? '1' : '30'))
if (!Number.isInteger(seed) || !(minutes > 0)) {
  process.stderr.write('usage: npm run soak -- [--seed N] [--minutes M] [--short]\n')
  process.exit(2)
}

function summary(r: SoakResult): string {
  const c = r.check
  const lines = [
    `consent-sync soak: seed ${r.seed}, ${r.minutes} min of faults${r.short ? ' (short)' : ''}, ${Math.round(r.durationMs / 1000)} s in all`,
    `  clients      ${r.clients.handles} sync-client handles, ${r.clients.stock} stock y-websocket; ${r.clients.customers} customer devices, ${r.clients.agents} CSR agents`,
    `  decisions    made ${r.decisions.made}, acknowledged ${r.decisions.acknowledged}, lost ${r.decisions.lost}, rejected ${r.decisions.rejected}`,
    `  forgeries    attempted ${r.forgeries.attempted}, refused with 4422 ${r.forgeries.rejected}, applied ${r.forgeries.applied}`,
    `  faults       ${Object.entries(r.faults)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `  server       SIGKILL ${r.server.kills}, SIGTERM ${r.server.sigterms} (exit codes ${r.server.sigtermExits.join(',') || '-'}), restarts ${r.server.restarts}, slowest restart ${r.server.maxRestartMs} ms, slowest SIGTERM shutdown ${r.server.maxShutdownMs} ms, 1012 closes seen ${r.server.closes1012}`,
    `  settled      ${r.settleMs} ms after the last fault: every client online, synced, nothing waiting`,
    ...r.steady.map(
      (w) =>
        `  steady       at ${w.startedAtS} s for ${Math.round(w.durationMs / 1000)} s: ${w.decisions} decisions, ${w.presenceChanges} presence changes; closes ${JSON.stringify(w.closesByCode)}; most new connections per client per minute ${w.connectionsPerClientPerMinute.max.toFixed(2)}${w.problems.length ? ` — ${w.problems.join('; ')}` : ''}`,
    ),
    `  closes       by the server over the whole run, by code: ${JSON.stringify(r.closesByCode)} (4529 must not appear: no client floods)`,
    `  converged    ${c.converged} in ${c.convergeMs} ms after the steady window; ${c.replicas} replicas, mismatches ${c.mismatches.length}, server holds ${c.serverDecisions} decisions`,
    `  pending      unsettled clients ${c.unsettled.length}, unsaved ${c.unsaved.length}, unknown in server ${c.unknownInServer.length}, duplicate ids ${c.duplicateIds}`,
    `  verify       exit ${c.verify.code}: ${c.verify.summary.split('\n')[0]}`,
    `  readyz       ${c.readyz ? 200 : 'not ready'}; final SIGTERM exit ${c.sigtermExitCode}`,
    `  result       ${r.ok ? 'OK: every promise held' : 'FAILED'}`,
  ]
  for (const m of c.mismatches) lines.push(`    mismatch ${m}`)
  for (const u of c.unsettled) lines.push(`    unsettled ${u}`)
  for (const x of r.decisions.rejections.slice(0, 20))
    lines.push(`    rejected ${x.client}: ${x.code} ${x.reason}`)
  return lines.join('\n')
}

const result = await runSoak({
  seed,
  minutes,
  short: values.short,
  log: (line) => process.stdout.write(`${line}\n`),
})
process.stdout.write(`\n${summary(result)}\n`)
const dir = path.join(import.meta.dirname, 'results')
mkdirSync(dir, { recursive: true })
const file = path.join(dir, `${seed}-${minutes}${values.short ? '-short' : ''}.json`)
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`)
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`)
process.exit(result.ok ? 0 : 1)
