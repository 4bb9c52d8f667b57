/**
 * The scenarios of DESIGN.md §11, one list for every target. Each runs on a fresh deployment of its
 * target with a fresh load generator (harness.ts); this file says only what it asks for and measures.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { ClosedLoopResult, RateResult } from '../loadgen/tasks'
import type { Deployment } from './deployment'
import type { LoadgenProcess } from './loadgen-process'
import { docNames, type Plan } from './plan'
import type { Target } from './target'

export interface ScenarioContext {
  plan: Plan
  deployment: Deployment
  loadgen: LoadgenProcess
}

export interface Scenario {
  /** Its key in the results, e.g. `1-sequential`. */
  id: string
  /** The number `--only` selects it by (README.md's table). */
  group: number
  /** Run `plan.repeat` times, each on a fresh deployment (the key scenarios), or once. */
  repeated: boolean
  /** Whether it runs on this target in this plan. */
  runsOn(target: Target, plan: Plan): boolean
  /** How many customers (`B-00001`…) the deployment is seeded with. */
  customers(plan: Plan): number
  /** The server settings it needs. */
  env?(target: Target): Record<string, string>
  run(ctx: ScenarioContext): Promise<unknown>
}

const everywhere = () => true
/**
 * Memory, cold load and restarts compare the servers each on its own store; the PostgreSQL
 * deployments (the scale-out comparison) run the key scenarios only.
 */
const onItsOwnStore = (t: Target) => t.store !== 'postgres'
const consentSyncOnly = (t: Target, env: Record<string, string>) => (t.server === 'consent-sync' ? env : {})

/** 1. One document, two clients (on different instances when there are two), one decision at a time. */
export const SEQUENTIAL: Scenario = {
  id: '1-sequential',
  group: 1,
  repeated: true,
  runsOn: everywhere,
  customers: () => 1,
  run: ({ plan, deployment, loadgen }) =>
    loadgen.request({
      task: 'sequential',
      endpoint: deployment.endpoint,
      doc: docNames(1)[0]!,
      decisions: plan.sequentialDecisions,
    }),
}

/** 2. N documents × 2 clients at a target aggregate rate (open loop). */
export const SCALE: Scenario = {
  id: '2-scale',
  group: 2,
  repeated: true,
  runsOn: everywhere,
  customers: (plan) => plan.scale.docs,
  run: ({ plan, deployment, loadgen }) =>
    loadgen.request({
      task: 'rate',
      endpoint: deployment.endpoint,
      docs: docNames(plan.scale.docs),
      rate: plan.scale.rate,
      seconds: plan.scale.seconds,
    }),
}

/** 2. The same at the second rate, 2 000 updates/s: its own key scenario, beside 500/s. */
export const SCALE_2000: Scenario = {
  id: '2-scale-2000',
  group: 2,
  repeated: true,
  runsOn: onItsOwnStore,
  customers: (plan) => plan.scale2000.docs,
  run: ({ plan, deployment, loadgen }) =>
    loadgen.request({
      task: 'rate',
      endpoint: deployment.endpoint,
      docs: docNames(plan.scale2000.docs),
      rate: plan.scale2000.rate,
      seconds: plan.scale2000.seconds,
    }),
}

export interface DurableResult extends ClosedLoopResult {
  /** consent-sync: updates per group commit over the run (its /metrics); null for the peers. */
  updatesPerCommit: number | null
  /** CPU the server processes used per accepted update over the run (every instance, every thread), µs. */
  serverCpuMicrosPerUpdate: number | null
}

/** 3. Closed loop: each writer waits for the server's acceptance before its next decision. */
function durable(synchronous: 'FULL' | 'NORMAL', runsOn: Scenario['runsOn']): Scenario {
  return {
    id: `3-durable-${synchronous}`,
    group: 3,
    repeated: true,
    runsOn,
    customers: (plan) => plan.durable.docs,
    env: (t) => consentSyncOnly(t, { SQLITE_SYNCHRONOUS: synchronous, SNAPSHOT_EVERY: '1000' }),
    async run({ plan, deployment, loadgen }): Promise<DurableResult> {
      const cpu = () =>
        Promise.all(deployment.instances.map((s) => s.cpuSeconds())).then((c) => c.reduce((a, b) => a + b, 0))
      const cpuBefore = await cpu()
      const r = await loadgen.request({
        task: 'closed-loop',
        endpoint: deployment.endpoint,
        docs: docNames(plan.durable.docs),
        seconds: plan.durable.seconds,
        watchers: plan.durable.watchers,
      })
      const cpuUsed = (await cpu()) - cpuBefore
      return {
        ...r,
        updatesPerCommit: await updatesPerCommit(deployment),
        serverCpuMicrosPerUpdate: r.accepted > 0 ? Math.round((cpuUsed * 1e6) / r.accepted) : null,
      }
    },
  }
}

async function updatesPerCommit(deployment: Deployment): Promise<number | null> {
  let updates = 0
  let commits = 0
  for (const s of deployment.instances) {
    updates += (await s.metric('consent_sync_commit_batch_updates_sum')) ?? 0
    commits += (await s.metric('consent_sync_commit_batch_updates_count')) ?? 0
  }
  return commits > 0 ? Math.round((updates / commits) * 10) / 10 : null
}

export const DURABLE_FULL = durable('FULL', everywhere)
/** SQLite's other setting; the peers have nothing like it. */
export const DURABLE_NORMAL = durable('NORMAL', (t) => t.server === 'consent-sync' && t.store === 'sqlite')

export interface SaturationResult {
  steps: RateResult[]
  /** The highest rate with p99 ≤ 100 ms and achieved ≥ 90% of target; null if none. */
  sustained: number | null
}

/** 2b. Steps the rate up until p99 > 100 ms or the achieved rate falls more than 10% short. */
export const SATURATION: Scenario = {
  id: '2-saturation',
  group: 2,
  repeated: false,
  runsOn: (t, plan) => plan.scale.steps.length > 0 && onItsOwnStore(t),
  customers: (plan) => plan.scale.docs,
  async run({ plan, deployment, loadgen }): Promise<SaturationResult> {
    const steps: RateResult[] = []
    let sustained: number | null = null
    for (const rate of plan.scale.steps) {
      const r = await loadgen.request({
        task: 'rate',
        endpoint: deployment.endpoint,
        docs: docNames(plan.scale.docs),
        rate,
        seconds: plan.scale.stepSeconds,
      })
      steps.push(r)
      if ((r.latencyMs.p99 ?? Number.POSITIVE_INFINITY) > 100 || r.achievedRate < rate * 0.9) break
      sustained = rate
    }
    return { steps, sustained }
  },
}

export interface MemorySample {
  rssBytes: number
  /** consent-sync's `nodejs_heap_size_used_bytes` (/metrics); null for the peers. */
  heapUsedBytes: number | null
  /** The server's open file descriptors: its connections and the rest. */
  openFiles: number
}

/** One point of the curve, on a freshly started server process. */
export interface ConnectionsPoint {
  connections: number
  docs: number
  idle: MemorySample
  /** Each document open with its writer's connection, one decision each, settled (`settleMs`). */
  writers: MemorySample
  /** A watcher added on each document: every connection open. */
  watchers: MemorySample
  /** Propagation at the plan's modest rate with every connection open. */
  updates: RateResult
  /** Right after those updates. */
  afterUpdates: MemorySample
}

export interface ConnectionsResult {
  points: ConnectionsPoint[]
  /** At the largest point: a watcher's connection on an open document (watchers − writers). */
  bytesPerConnection: number
  /** A document with its writer's connection: the writers' samples of the two largest points, per document between them. */
  bytesPerOnlineCustomer: number
  bytesPerDocument: number
  documentsPerGB: number
}

/**
 * 4b. Memory and latency against connections: at each size N, on a freshly started server, N/2
 * documents each get a writer (one decision each) and then a watcher, sampling the server's RSS
 * after each step; then updates at a modest rate over every document with all N open. Each point
 * uses documents of its own, so every document holds one decision when sampled.
 */
export const CONNECTIONS: Scenario = {
  id: '4b-connections',
  group: 4,
  repeated: false,
  runsOn: (t, plan) => plan.connections !== null && onItsOwnStore(t),
  customers: (plan) => (plan.connections?.sizes ?? []).reduce((sum, n) => sum + n / 2, 0),
  async run({ plan, deployment, loadgen }): Promise<ConnectionsResult> {
    const c = plan.connections!
    const [server] = deployment.instances
    const { endpoint } = deployment
    const sample = async (waitMs: number): Promise<MemorySample> => {
      await sleep(waitMs)
      return {
        rssBytes: await server!.rssBytes(),
        heapUsedBytes: await server!.metric('nodejs_heap_size_used_bytes'),
        openFiles: await server!.openFiles(),
      }
    }
    const points: ConnectionsPoint[] = []
    let from = 0
    for (const [i, connections] of c.sizes.entries()) {
      // A fresh process for each point: none holds what an earlier one left behind.
      if (i > 0) await deployment.restart()
      const docs = docNames(connections / 2, from)
      from += docs.length
      const idle = await sample(c.pauseMs)
      try {
        const open = { perSecond: c.openPerSecond }
        await loadgen.request({ task: 'open-writers', endpoint, docs, ...open }, 600_000)
        // Sampled once the documents are idle: consent-sync lets go of the copy it judges updates
        // on 10–15 s after the last one (an online customer who decided a minute ago holds only the
        // document); Hocuspocus has stored them by then (2 s debounce).
        const writers = await sample(c.settleMs)
        const opened = await loadgen.request({ task: 'open-watchers', ...open }, 600_000)
        if (opened.watchers !== docs.length)
          throw new Error(`${opened.watchers} of ${docs.length} watchers open`)
        const watchers = await sample(c.pauseMs)
        const updates = await loadgen.request({ task: 'rate-held', rate: c.rate, seconds: c.seconds })
        const afterUpdates = await sample(0)
        points.push({ connections, docs: docs.length, idle, writers, watchers, updates, afterUpdates })
      } finally {
        await loadgen.request({ task: 'release' })
      }
    }
    const last = points.at(-1)!
    const perConnection = (last.watchers.rssBytes - last.writers.rssBytes) / last.docs
    // Between the two largest points, so that what a server loads for its first documents (code,
    // caches, SQLite's writer thread: tens of MB once) cancels out; from idle with only one point.
    const prev = points.at(-2)
    const perCustomer = prev
      ? (last.writers.rssBytes - prev.writers.rssBytes) / (last.docs - prev.docs)
      : (last.writers.rssBytes - last.idle.rssBytes) / last.docs
    return {
      points,
      bytesPerConnection: Math.round(perConnection),
      bytesPerOnlineCustomer: Math.round(perCustomer),
      bytesPerDocument: Math.round(perCustomer - perConnection),
      documentsPerGB: perCustomer > 0 ? Math.round(2 ** 30 / perCustomer) : 0,
    }
  },
}

/** 5. Write D decisions to each of N documents, restart the server, open each document once. */
export const COLD: Scenario = {
  id: '5-cold',
  group: 5,
  repeated: false,
  // In memory there is nothing to load.
  runsOn: (t, plan) => plan.cold !== null && t.store !== 'memory' && onItsOwnStore(t),
  customers: (plan) => plan.cold?.docs ?? 0,
  // A snapshot every 8 updates: 12 decisions leave a snapshot and a tail of 4 to replay.
  env: (t) => consentSyncOnly(t, { SNAPSHOT_EVERY: '8' }),
  async run({ plan, deployment, loadgen }) {
    const c = plan.cold!
    const docs = docNames(c.docs)
    const { endpoint } = deployment
    await loadgen.request({ task: 'closed-loop', endpoint, docs, seconds: 120, perDoc: c.decisionsPerDoc })
    await deployment.restart()
    return loadgen.request({ task: 'cold', endpoint, docs })
  },
}

export interface StormResult {
  clients: number
  resynced: number
  fromStopMs: number
  fromReadyMs: number
  restartMs: number
  closeCodes: Record<string, number>
}

/** 6. N clients connected; the server is restarted (SIGTERM, start on the same port and data). */
export const STORM: Scenario = {
  id: '6-storm',
  group: 6,
  repeated: false,
  runsOn: (t, plan) => plan.stormClients !== null && onItsOwnStore(t),
  customers: (plan) => plan.stormClients ?? 0,
  async run({ plan, deployment, loadgen }): Promise<StormResult> {
    const docs = docNames(plan.stormClients!)
    await loadgen.request({ task: 'storm-connect', endpoint: deployment.endpoint, docs })
    await sleep(1000)
    const { stoppedAt, readyAt } = await deployment.restart()
    const r = await loadgen.request({ task: 'storm-await', timeoutMs: 60_000 })
    return {
      clients: r.clients,
      resynced: r.resynced,
      fromStopMs: r.lastSyncAt - stoppedAt,
      fromReadyMs: r.lastSyncAt - readyAt,
      restartMs: readyAt - stoppedAt,
      closeCodes: r.closeCodes,
    }
  },
}

/** Every scenario, in the order a repeat runs them (7, the client bundles, is not a target's). */
export const SCENARIOS: readonly Scenario[] = [
  SEQUENTIAL,
  SCALE,
  SCALE_2000,
  DURABLE_FULL,
  DURABLE_NORMAL,
  SATURATION,
  CONNECTIONS,
  COLD,
  STORM,
]
