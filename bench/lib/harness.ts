/**
 * The one harness: the selected scenarios on a list of targets. Each run deploys its target afresh
 * (deployment.ts) with a fresh load generator, and tears both down; a failed run is recorded, not
 * fatal, so the other targets still run.
 */
import { type Deployment, servicesAvailable, withDeployment } from './deployment'
import { startLoadgen } from './loadgen-process'
import { docNames, type Plan } from './plan'
import type { Scenario } from './scenarios'
import { type Target, targetName } from './target'

export interface Run {
  scenario: Scenario
  target: Target
}

/**
 * The order of the runs: each repeat runs the key scenarios, each on every target in turn (so a
 * comparison's numbers are taken minutes apart, not a whole group apart); then the rest once each.
 */
export function schedule(plan: Plan, targets: readonly Target[], scenarios: readonly Scenario[]): Run[] {
  const on = (scenario: Scenario) =>
    targets.filter((t) => scenario.runsOn(t, plan)).map((target) => ({ scenario, target }))
  const runs: Run[] = []
  for (let r = 0; r < plan.repeat; r++) runs.push(...scenarios.filter((s) => s.repeated).flatMap(on))
  runs.push(...scenarios.filter((s) => !s.repeated).flatMap(on))
  return runs
}

/** One scenario on one target: deployed and seeded, measured, torn down. */
export function runScenario(scenario: Scenario, target: Target, plan: Plan): Promise<unknown> {
  const options = { customers: docNames(scenario.customers(plan)), env: scenario.env?.(target) ?? {} }
  return withDeployment(target, options, async (deployment: Deployment) => {
    const loadgen = startLoadgen()
    try {
      return await scenario.run({ plan, deployment, loadgen })
    } finally {
      await loadgen.stop()
    }
  })
}

/** By scenario id, then target name: one entry per run, in order (`{error}` for a failed one). */
export type Results = Record<string, Record<string, unknown[]>>

export interface BenchOutcome {
  results: Results
  /** Targets not run, with the reason (PostgreSQL or Redis not answering). */
  skipped: Record<string, string>
}

export async function runBench(
  plan: Plan,
  targets: readonly Target[],
  scenarios: readonly Scenario[],
  log: (line: string) => void,
): Promise<BenchOutcome> {
  const skipped: Record<string, string> = {}
  const needsServices = (t: Target) => t.store === 'postgres'
  const services = targets.some(needsServices) ? await servicesAvailable() : { ok: true as const }
  const runnable = targets.filter((t) => services.ok || !needsServices(t))
  if (!services.ok) {
    for (const t of targets.filter(needsServices)) skipped[targetName(t)] = services.why
    log(`skipped ${Object.keys(skipped).join(', ')}: ${services.why}`)
  }
  const results: Results = {}
  for (const { scenario, target } of schedule(plan, runnable, scenarios)) {
    const name = targetName(target)
    const t0 = Date.now()
    let result: unknown
    try {
      result = await runScenario(scenario, target, plan)
      const took = ((Date.now() - t0) / 1000).toFixed(1)
      log(`${scenario.id} ${name}: ${JSON.stringify(result).slice(0, 300)} (${took} s)`)
    } catch (err) {
      result = { error: String((err as Error).message ?? err).slice(0, 500) }
      log(`${scenario.id} ${name} FAILED: ${(err as Error).message}`)
    }
    const byTarget = results[scenario.id] ?? {}
    results[scenario.id] = byTarget
    byTarget[name] = [...(byTarget[name] ?? []), result]
  }
  return { results, skipped }
}
