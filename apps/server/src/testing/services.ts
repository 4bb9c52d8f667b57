import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import pg from 'pg'

export const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/**
 * Whether PostgreSQL and Redis answer. CI must have them (this throws there); a developer's
 * machine may not, and the tests that need them skip with this message.
 */
export async function scaleOutServices(): Promise<{ ok: true } | { ok: false; why: string }> {
  const problems: string[] = []
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
  } catch (err) {
    problems.push(`PostgreSQL: ${String(err)}`)
  } finally {
    await client.end().catch(() => {})
  }
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000 })
  try {
    await redis.connect()
    await redis.ping()
  } catch (err) {
    problems.push(`Redis: ${String(err)}`)
  } finally {
    redis.disconnect()
  }
  if (problems.length === 0) return { ok: true }
  const why = problems.join('; ')
  if (process.env.CI === 'true') throw new Error(`PostgreSQL and Redis are required in CI: ${why}`)
  return { ok: false, why }
}

/** A fresh schema name; `dropSchema` removes it and everything in it. */
export function freshSchema(prefix = 'cs_test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    await client.end()
  }
}
