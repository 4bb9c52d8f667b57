/**
 * Scale-out: consent-sync on PostgreSQL + Redis, one instance against two, with the SQLite single
 * instance as the baseline, on the workload of scenarios 1–3 (same load generator tasks).
 *
 * Two instances are two `serve` child processes on one fresh PostgreSQL schema, fanning out through
 * Redis. Clients connect DIRECTLY to an instance (no proxy): document i's writer to instance i % 2,
 * its watcher to the other one, so every update the watcher sees has crossed instances (commit on
 * one, Redis publish, apply and relay on the other). The schema is dropped afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  dropSchema,
  freshSchema,
  POSTGRES_URL,
  REDIS_URL,
  scaleOutServices,
} from '../../apps/server/src/testing/services'
import type { RateResult, Target } from '../loadgen'
import { type LoadgenProcess, startLoadgen } from './loadgen-process'
import { docNames, type Plan } from './plan'
import type { DurableResult, SequentialResult } from './scenarios'
import { consentSyncSecret, type RunningServer, seedCustomers, startServer } from './servers'

export type Deployment = 'sqlite' | 'postgres-1' | 'postgres-2'
export const DEPLOYMENTS: readonly Deployment[] = ['sqlite', 'postgres-1', 'postgres-2']
export const DEPLOYMENT_LABEL: Record<Deployment, string> = {
  sqlite: 'SQLite, 1 instance',
  'postgres-1': 'PostgreSQL, 1 instance',
  'postgres-2': 'PostgreSQL, 2 instances',
}

/** Whether PostgreSQL and Redis answer (never throws: the group is skipped with the reason). */
export async function servicesAvailable(): Promise<{ ok: true } | { ok: false; why: string }> {
  try {
    return await scaleOutServices()
  } catch (err) {
    return { ok: false, why: String((err as Error).message ?? err) }
  }
}

async function seedPostgres(schema: string, ids: readonly string[]): Promise<void> {
  const { createPostgresStore } = await import('@consent-sync/server')
  const store = createPostgresStore({ connectionString: POSTGRES_URL, schema, max: 2 })
  try {
    // Migrated here, before any instance starts, so the instances' own migrate finds nothing to do.
    await store.migrate()
    for (const id of ids) await store.upsertCustomer({ id, name: `Bench ${id}`, phone: '+94 77 000 0000' })
  } finally {
    await store.close()
  }
}

/**
 * Starts the deployment (customers seeded), a load generator, runs `body`, then stops everything
 * and removes the data (temp directory; PostgreSQL schema dropped).
 */
export async function withDeployment<T>(
  deployment: Deployment,
  seed: number,
  env: Record<string, string>,
  body: (servers: RunningServer[], lg: LoadgenProcess, target: Target) => Promise<T>,
): Promise<T> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `bench-${deployment}-`))
  const schema = deployment === 'sqlite' ? null : freshSchema('cs_bench')
  const servers: RunningServer[] = []
  let lg: LoadgenProcess | null = null
  try {
    const ids = docNames(seed)
    let serverEnv = env
    if (schema) {
      await seedPostgres(schema, ids)
      // The one instance gets Redis too (it publishes to nobody): the same configuration as two.
      serverEnv = {
        STORE: 'postgres',
        DATABASE_URL: POSTGRES_URL,
        DATABASE_SCHEMA: schema,
        REDIS_URL,
        ...env,
      }
    } else {
      await seedCustomers(dataDir, ids)
    }
    const count = deployment === 'postgres-2' ? 2 : 1
    const started = await Promise.allSettled(
      Array.from({ length: count }, () => startServer('consent-sync', { dataDir, env: serverEnv })),
    )
    for (const s of started) if (s.status === 'fulfilled') servers.push(s.value)
    const failed = started.find((s) => s.status === 'rejected')
    if (failed) throw (failed as PromiseRejectedResult).reason
    lg = startLoadgen()
    const target: Target = {
      kind: 'consent-sync',
      syncUrl: servers[0]!.syncUrl,
      jwtSecret: await consentSyncSecret(),
      ...(count > 1 ? { instances: servers.map((s) => s.syncUrl) } : {}),
    }
    return await body(servers, lg, target)
  } finally {
    await lg?.stop()
    await Promise.all(servers.map((s) => s.stop()))
    await rm(dataDir, { recursive: true, force: true })
    if (schema) await dropSchema(schema)
  }
}

/** 1. One document, two clients (on different instances when there are two), one decision at a time. */
export function sequentialOn(deployment: Deployment, plan: Plan) {
  return withDeployment(deployment, 1, {}, (_s, lg, target) =>
    lg.request<SequentialResult>({
      task: 'sequential',
      target,
      doc: 'B-00001',
      decisions: plan.sequentialDecisions,
    }),
  )
}

/** 2. N documents × 2 clients at a target aggregate rate (open loop). */
export function scaleOn(deployment: Deployment, plan: Plan) {
  const docs = docNames(plan.scale.docs)
  return withDeployment(deployment, docs.length, {}, (_s, lg, target) =>
    lg.request<RateResult>({
      task: 'rate',
      target,
      docs,
      rate: plan.scale.rate,
      seconds: plan.scale.seconds,
    }),
  )
}

/** 3. Closed loop on the durable ack (message 100); SQLite at its default synchronous=FULL. */
export function durableOn(deployment: Deployment, plan: Plan) {
  const docs = docNames(plan.durable.docs)
  const env: Record<string, string> = { SNAPSHOT_EVERY: '1000' }
  if (deployment === 'sqlite') env.SQLITE_SYNCHRONOUS = 'FULL'
  return withDeployment(deployment, docs.length, env, (_s, lg, target) =>
    lg.request<DurableResult>({ task: 'closed-loop', target, docs, seconds: plan.durable.seconds }),
  )
}
