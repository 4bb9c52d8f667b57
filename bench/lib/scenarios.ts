/**
 * The scenarios of DESIGN.md §11, each run against one server kind on a fresh data directory,
 * with the server and the load generator in their own processes, both stopped in `finally`.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { RateResult, Target } from '../loadgen'
import { type LoadgenProcess, startLoadgen } from './loadgen-process'
import { docNames, type Plan } from './plan'
import { consentSyncSecret, type RunningServer, type ServerKind, seedCustomers, startServer } from './servers'
import type { Summary } from './stats'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function withServer<T>(
  kind: ServerKind,
  seed: number,
  env: Record<string, string>,
  body: (server: RunningServer, lg: LoadgenProcess, target: Target) => Promise<T>,
): Promise<T> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `bench-${kind}-`))
  let server: RunningServer | null = null
  let lg: LoadgenProcess | null = null
  try {
    if (kind === 'consent-sync') await seedCustomers(dataDir, docNames(seed))
    server = await startServer(kind, { dataDir, env })
    lg = startLoadgen()
    const jwtSecret = kind === 'consent-sync' ? await consentSyncSecret() : ''
    return await body(server, lg, { kind, syncUrl: server.syncUrl, jwtSecret })
  } finally {
    await lg?.stop()
    await server?.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
}

export interface SequentialResult {
  decisions: number
  received: number
  lost: number
  latencyMs: Summary
}

/** 1. One document, two clients, one decision at a time. */
export function sequential(kind: ServerKind, plan: Plan) {
  return withServer(kind, 1, {}, (_s, lg, target) =>
    lg.request<SequentialResult>({
      task: 'sequential',
      target,
      doc: 'B-00001',
      decisions: plan.sequentialDecisions,
    }),
  )
}

/** 2. N documents × 2 clients at a target aggregate rate (open loop). */
export function scale(kind: ServerKind, plan: Plan) {
  const docs = docNames(plan.scale.docs)
  return withServer(kind, docs.length, {}, (_s, lg, target) =>
    lg.request<RateResult>({
      task: 'rate',
      target,
      docs,
      rate: plan.scale.rate,
      seconds: plan.scale.seconds,
    }),
  )
}

export interface SaturationResult {
  steps: RateResult[]
  /** The highest rate with p99 ≤ 100 ms and achieved ≥ 90% of target; null if none. */
  sustained: number | null
}

/** 2b. Steps the rate up until p99 > 100 ms or the achieved rate falls more than 10% short. */
export function saturation(kind: ServerKind, plan: Plan) {
  const docs = docNames(plan.scale.docs)
  return withServer(kind, docs.length, {}, async (_s, lg, target): Promise<SaturationResult> => {
    const steps: RateResult[] = []
    let sustained: number | null = null
    for (const rate of plan.scale.steps) {
      const r = await lg.request<RateResult>({
        task: 'rate',
        target,
        docs,
        rate,
        seconds: plan.scale.stepSeconds,
      })
      steps.push(r)
      if ((r.latencyMs.p99 ?? Number.POSITIVE_INFINITY) > 100 || r.achievedRate < rate * 0.9) break
      sustained = rate
    }
    return { steps, sustained }
  })
}

export interface DurableResult {
  docs: number
  ack: string
  seconds: number
  accepted: number
  perSecond: number
  ackLatencyMs: Summary
  propagationMs: Summary
}

/** 3. Closed loop: each writer waits for the server's acceptance before the next decision. */
export function durable(kind: ServerKind, plan: Plan, synchronous?: 'FULL' | 'NORMAL') {
  const docs = docNames(plan.durable.docs)
  const env: Record<string, string> = synchronous
    ? { SQLITE_SYNCHRONOUS: synchronous, SNAPSHOT_EVERY: '1000' }
    : {}
  return withServer(kind, docs.length, env, (_s, lg, target) =>
    lg.request<DurableResult>({ task: 'closed-loop', target, docs, seconds: plan.durable.seconds }),
  )
}

export interface MemoryStage {
  docs: number
  connections: number
  rssBytes: number
  heapUsedBytes: number | null
}

export interface MemoryResult {
  stages: MemoryStage[]
  bytesPerConnection: number
  bytesPerDocument: number
  documentsPerGB: number
  connectionsPerGB: number
}

/** 4. Server RSS idle, with N1 then N2 documents open (one connection each, one decision each), then N extra connections. */
export function memory(kind: ServerKind, plan: Plan) {
  const m = plan.memory
  if (!m) throw new Error('no memory plan')
  return withServer(kind, m.second, {}, async (server, lg, target): Promise<MemoryResult> => {
    const stages: MemoryStage[] = []
    const sample = async (docs: number, connections: number) => {
      await sleep(2000)
      stages.push({
        docs,
        connections,
        rssBytes: await server.rssBytes(),
        heapUsedBytes: await server.heapUsedBytes(),
      })
    }
    await sample(0, 0)
    try {
      await lg.request({ task: 'hold', target, docs: docNames(m.first), decide: true }, 300_000)
      await sample(m.first, m.first)
      await lg.request(
        { task: 'hold', target, docs: docNames(m.second - m.first, m.first), decide: true },
        300_000,
      )
      await sample(m.second, m.second)
      await lg.request({ task: 'hold', target, docs: docNames(m.extraConnections), decide: false }, 300_000)
      await sample(m.second, m.second + m.extraConnections)
    } finally {
      await lg.request({ task: 'release' })
    }
    const [, s1, s2, s3] = stages as [MemoryStage, MemoryStage, MemoryStage, MemoryStage]
    const perConnection = (s3.rssBytes - s2.rssBytes) / m.extraConnections
    const perDocAndConnection = (s2.rssBytes - s1.rssBytes) / (m.second - m.first)
    const perDocument = perDocAndConnection - perConnection
    return {
      stages,
      bytesPerConnection: Math.round(perConnection),
      bytesPerDocument: Math.round(perDocument),
      documentsPerGB: Math.round(2 ** 30 / perDocAndConnection),
      connectionsPerGB: perConnection > 0 ? Math.round(2 ** 30 / perConnection) : 0,
    }
  })
}

export interface ColdResult {
  docs: number
  decisionsLoaded: number
  connectToStep2Ms: Summary
}

/** 5. Write D decisions to each of N documents, restart the server, open each document once. */
export function cold(kind: ServerKind, plan: Plan) {
  const c = plan.cold
  if (!c) throw new Error('no cold plan')
  const docs = docNames(c.docs)
  // A snapshot every 8 updates: 12 decisions leave a snapshot and a tail of 4 to replay.
  const env: Record<string, string> = kind === 'consent-sync' ? { SNAPSHOT_EVERY: '8' } : {}
  return withServer(kind, docs.length, env, async (server, lg, target) => {
    await lg.request({ task: 'closed-loop', target, docs, seconds: 120, perDoc: c.decisionsPerDoc })
    await server.restart()
    return lg.request<ColdResult>({ task: 'cold', target, docs })
  })
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
export function storm(kind: ServerKind, plan: Plan) {
  const n = plan.stormClients
  if (!n) throw new Error('no storm plan')
  const docs = docNames(n)
  return withServer(kind, n, {}, async (server, lg, target): Promise<StormResult> => {
    await lg.request({ task: 'storm-connect', target, docs })
    await sleep(1000)
    const { stoppedAt, readyAt } = await server.restart()
    const r = await lg.request<{
      clients: number
      resynced: number
      lastSyncAt: number
      closeCodes: Record<string, number>
    }>({ task: 'storm-await', timeoutMs: 60_000 })
    return {
      clients: r.clients,
      resynced: r.resynced,
      fromStopMs: r.lastSyncAt - stoppedAt,
      fromReadyMs: r.lastSyncAt - readyAt,
      restartMs: readyAt - stoppedAt,
      closeCodes: r.closeCodes,
    }
  })
}
