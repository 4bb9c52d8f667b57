/**
 * A target deployed for one scenario: a fresh data directory (for PostgreSQL also a fresh schema,
 * `cs_bench_<random>`), consent-sync's customers seeded, its instances started; all of it stopped
 * and removed afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DEFAULT_CATALOG, DEFAULT_CATALOG_PUBLISHED_AT } from '@consent-sync/consent-core'
import type { Store } from '@consent-sync/server'
import type { Endpoint } from '../loadgen/tasks'
import { type RunningServer, startServer } from './servers'
import { type Target, targetName } from './target'

export interface Deployment {
  readonly target: Target
  readonly instances: readonly RunningServer[]
  /** What the load generator connects to. */
  readonly endpoint: Endpoint
  /** Stops the (single) instance and starts it again on the same port and data. */
  restart(): Promise<{ stoppedAt: number; readyAt: number }>
}

export interface DeploymentOptions {
  /** consent-sync refuses documents of unknown customers: these are seeded before it starts. */
  customers: readonly string[]
  /** The scenario's server settings. */
  env: Record<string, string>
}

/** Whether PostgreSQL and Redis answer (never throws: their targets are skipped with the reason). */
export async function servicesAvailable(): Promise<{ ok: true } | { ok: false; why: string }> {
  try {
    return await (await import('@consent-sync/server/testing')).scaleOutServices()
  } catch (err) {
    return { ok: false, why: String((err as Error).message ?? err) }
  }
}

async function seed(store: Store, customers: readonly string[]): Promise<void> {
  try {
    // Migrated here, before any instance starts, so the instances' own migrate finds nothing to do.
    await store.migrate()
    // The instances run without demo mode: the catalog is published into the store as an operator
    // would, the same one demo mode seeds (consent-core DEFAULT_CATALOG).
    const { seedCatalog } = await import('@consent-sync/server')
    await seedCatalog(store, DEFAULT_CATALOG, DEFAULT_CATALOG_PUBLISHED_AT)
    for (const id of customers)
      await store.upsertCustomer({ id, name: `Bench ${id}`, phone: '+94 77 000 0000' })
  } finally {
    await store.close()
  }
}

/** The store's settings for the target's servers, after seeding it; `remove` drops what it made. */
async function prepareStore(target: Target, dataDir: string, customers: readonly string[]) {
  if (target.server === 'hocuspocus') return { env: { DATABASE_PATH: path.join(dataDir, 'hocuspocus.db') } }
  if (target.server !== 'consent-sync') return { env: {} }
  const server = await import('@consent-sync/server')
  const databasePath = path.join(dataDir, 'consent-sync.db')
  if (target.store === 'sqlite') {
    await seed(server.createSqliteStore({ path: databasePath, synchronous: 'NORMAL' }), customers)
    return { env: { DATABASE_PATH: databasePath } }
  }
  const { dropSchema, freshSchema, POSTGRES_URL, REDIS_URL } = await import('@consent-sync/server/testing')
  const schema = freshSchema('cs_bench')
  const remove = () => dropSchema(schema)
  try {
    await seed(server.createPostgresStore({ connectionString: POSTGRES_URL, schema, max: 2 }), customers)
  } catch (err) {
    await remove()
    throw err
  }
  // A single instance gets Redis too (it publishes to nobody): the same configuration as two.
  const env = { STORE: 'postgres', DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schema, REDIS_URL }
  return { env: { DATABASE_PATH: databasePath, ...env }, remove }
}

/** Deploys the target, runs `body` on it, then stops and removes everything, whatever happened. */
export async function withDeployment<T>(
  target: Target,
  options: DeploymentOptions,
  body: (deployment: Deployment) => Promise<T>,
): Promise<T> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `bench-${targetName(target).replaceAll('/', '-')}-`))
  const instances: RunningServer[] = []
  let remove: (() => Promise<void>) | undefined
  try {
    const store = await prepareStore(target, dataDir, options.customers)
    remove = store.remove
    const started = await Promise.allSettled(
      Array.from({ length: target.instances }, () =>
        startServer(target.server, { ...store.env, ...options.env }),
      ),
    )
    for (const s of started) if (s.status === 'fulfilled') instances.push(s.value)
    const failed = started.find((s) => s.status === 'rejected')
    if (failed) throw (failed as PromiseRejectedResult).reason
    const jwtSecret =
      target.server === 'consent-sync' ? (await import('@consent-sync/server')).DEMO_JWT_SECRET : ''
    return await body({
      target,
      instances,
      endpoint: { server: target.server, syncUrls: instances.map((s) => s.syncUrl), jwtSecret },
      restart() {
        const [only] = instances
        if (!only || instances.length > 1) throw new Error('a restart needs exactly one instance')
        return only.restart()
      },
    })
  } finally {
    await Promise.all(instances.map((s) => s.stop()))
    await rm(dataDir, { recursive: true, force: true })
    await remove?.()
  }
}
