import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import pg from 'pg'

export const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

export interface ServicesOptions {
  /** Check Redis too (default); `false` for tests of the PostgreSQL store alone. */
  redis?: boolean
  /** What skips when the services are missing, for the warning (`the scale-out tests`). */
  skipping?: string
}

/**
 * Whether PostgreSQL (and Redis) answer. CI must have them (this throws there); a developer's
 * machine may not, and the tests that need them skip with this message.
 */
export async function scaleOutServices(
  options: ServicesOptions = {},
): Promise<{ ok: true } | { ok: false; why: string }> {
  const problems: string[] = []
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
  } catch (err) {
    problems.push(`PostgreSQL at ${shownUrl(POSTGRES_URL)} (set DATABASE_URL): ${String(err)}`)
  } finally {
    await client.end().catch(() => {})
  }
  if (options.redis !== false) {
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000 })
    try {
      await redis.connect()
      await redis.ping()
    } catch (err) {
      problems.push(`Redis: ${String(err)}`)
    } finally {
      redis.disconnect()
    }
  }
  if (problems.length === 0) return { ok: true }
  const why = problems.join('; ')
  if (process.env.CI === 'true') throw new Error(`required in CI: ${why}`)
  if (options.skipping) console.warn(`skipping ${options.skipping}: ${why}`)
  return { ok: false, why }
}

/** For messages: a connection string without its password. */
function shownUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')
}

/** One statement on a connection of its own (schema checks, dropping a test schema). */
export async function sql(text: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: POSTGRES_URL })
  await client.connect()
  try {
    return await client.query(text, params)
  } finally {
    await client.end()
  }
}

/** A fresh schema name; `dropSchema` removes it and everything in it. */
export function freshSchema(prefix = 'cs_test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`
}

export async function dropSchema(schema: string): Promise<void> {
  await sql(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
}
