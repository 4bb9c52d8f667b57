import pg from 'pg'
import type { HeadLeaf } from '../checkpoints/leaf'
import type { CheckpointLog, StoredCheckpoint } from './checkpoint-log'
import { postgresCheckpointTables } from './checkpoint-schema'
import { checkSchemaName } from './postgres-schema'

interface CheckpointRow {
  size: string
  root: string
  note: string
  created_at: string
}

const toCheckpoint = (r: CheckpointRow): StoredCheckpoint => ({
  size: Number(r.size),
  root: r.root,
  note: r.note,
  createdAt: r.created_at,
})

/** The checkpoint log in PostgreSQL; instances that checkpoint at once take turns on one lock. */
export function createPostgresCheckpointLog(opts: {
  connectionString: string
  schema?: string
  connectTimeoutMs?: number
  statementTimeoutMs?: number
  log?: { warn(obj: object, msg: string): void }
}): CheckpointLog {
  const s = checkSchemaName(opts.schema ?? 'public')
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: 2,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
    statement_timeout: opts.statementTimeoutMs ?? 15_000,
    query_timeout: opts.statementTimeoutMs ?? 15_000,
    idle_in_transaction_session_timeout: opts.statementTimeoutMs ?? 15_000,
    keepAlive: true,
  })
  // A dropped connection emits 'error' on its client and, idle, on the pool: unheard, that ends the
  // process (postgres-pool.ts). The checkpoint that needed it fails and is tried at the next turn.
  pool.on('connect', (client) => client.on('error', () => {}))
  pool.on('error', (err) => opts.log?.warn({ err }, 'a checkpoint PostgreSQL connection was lost'))
  let closed = false
  return {
    migrateCheckpoints: async () => {
      await pool.query(`CREATE SCHEMA IF NOT EXISTS "${s}"`)
      await pool.query(postgresCheckpointTables((name) => `"${s}".${name}`))
    },
    checkpointLeaves: async () => {
      const { rows } = await pool.query<{ customer_id: string; seq: string; head: string }>(
        `SELECT customer_id, seq, head FROM "${s}".checkpoint_leaves ORDER BY idx`,
      )
      return rows.map((r): HeadLeaf => ({ customerId: r.customer_id, seq: Number(r.seq), hash: r.head }))
    },
    appendCheckpoint: async (fromSize, added, cp) => {
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        // One writer of the log at a time, whichever instance it runs on.
        await client.query(`LOCK TABLE "${s}".checkpoint_leaves IN EXCLUSIVE MODE`)
        const { rows } = await client.query<{ n: string }>(
          `SELECT count(*) AS n FROM "${s}".checkpoint_leaves`,
        )
        if (Number(rows[0]?.n ?? 0) !== fromSize) {
          await client.query('ROLLBACK')
          return { ok: false, reason: 'moved', detail: `the log no longer holds ${fromSize} leaves` }
        }
        if (added.length > 0) {
          await client.query(
            `INSERT INTO "${s}".checkpoint_leaves (idx, customer_id, seq, head)
             SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[])`,
            [
              added.map((_, i) => fromSize + i),
              added.map((l) => l.customerId),
              added.map((l) => l.seq),
              added.map((l) => l.hash),
            ],
          )
        }
        await client.query(
          `INSERT INTO "${s}".checkpoints (size, root, note, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (size) DO NOTHING`,
          [cp.size, cp.root, cp.note, cp.createdAt],
        )
        await client.query('COMMIT')
        return { ok: true }
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {})
        throw err
      } finally {
        client.release()
      }
    },
    checkpointAt: async (size) => {
      const { rows } = await pool.query<CheckpointRow>(`SELECT * FROM "${s}".checkpoints WHERE size = $1`, [
        size,
      ])
      return rows[0] ? toCheckpoint(rows[0]) : null
    },
    latestCheckpoint: async () => {
      const { rows } = await pool.query<CheckpointRow>(
        `SELECT * FROM "${s}".checkpoints ORDER BY size DESC LIMIT 1`,
      )
      return rows[0] ? toCheckpoint(rows[0]) : null
    },
    closeCheckpoints: async () => {
      if (closed) return
      closed = true
      await pool.end()
    },
  }
}
