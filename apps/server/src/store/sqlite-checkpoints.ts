import type Database from 'better-sqlite3'
import type { HeadLeaf } from '../checkpoints/leaf'
import type { CheckpointLog, StoredCheckpoint } from './checkpoint-log'
import { SQLITE_CHECKPOINT_TABLES } from './checkpoint-schema'
import { openSqlite } from './sqlite-open'

interface CheckpointRow {
  size: number
  root: string
  note: string
  created_at: string
}

const toCheckpoint = (r: CheckpointRow): StoredCheckpoint => ({
  size: r.size,
  root: r.root,
  note: r.note,
  createdAt: r.created_at,
})

/**
 * The checkpoint log in the store's SQLite file, on a connection of its own: a checkpoint is
 * written once an hour or on demand, so it waits its turn for the write lock (busy timeout)
 * rather than going through the writer thread that commits updates.
 */
export function createSqliteCheckpointLog(path: string): CheckpointLog {
  const db: Database.Database = openSqlite({ path })
  const leaves = () =>
    db
      .prepare<[], { customer_id: string; seq: number; head: string }>(
        'SELECT customer_id, seq, head FROM checkpoint_leaves ORDER BY idx',
      )
      .all()
      .map((r): HeadLeaf => ({ customerId: r.customer_id, seq: r.seq, hash: r.head }))
  const append = db.transaction(
    (fromSize: number, added: readonly HeadLeaf[], cp: StoredCheckpoint): boolean => {
      const { n } = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM checkpoint_leaves').get() ?? {
        n: 0,
      }
      if (n !== fromSize) return false
      const insert = db.prepare<[number, string, number, string]>(
        'INSERT INTO checkpoint_leaves (idx, customer_id, seq, head) VALUES (?, ?, ?, ?)',
      )
      for (const [i, l] of added.entries()) insert.run(fromSize + i, l.customerId, l.seq, l.hash)
      db.prepare<[number, string, string, string]>(
        'INSERT INTO checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (size) DO NOTHING',
      ).run(cp.size, cp.root, cp.note, cp.createdAt)
      return true
    },
  )
  return {
    migrateCheckpoints: async () => void db.exec(SQLITE_CHECKPOINT_TABLES),
    checkpointLeaves: async () => leaves(),
    appendCheckpoint: async (fromSize, added, cp) =>
      append.immediate(fromSize, added, cp)
        ? { ok: true }
        : { ok: false, reason: 'moved', detail: `the log no longer holds ${fromSize} leaves` },
    checkpointAt: async (size) => {
      const r = db.prepare<[number], CheckpointRow>('SELECT * FROM checkpoints WHERE size = ?').get(size)
      return r ? toCheckpoint(r) : null
    },
    latestCheckpoint: async () => {
      const r = db.prepare<[], CheckpointRow>('SELECT * FROM checkpoints ORDER BY size DESC LIMIT 1').get()
      return r ? toCheckpoint(r) : null
    },
    closeCheckpoints: async () => {
      if (db.open) db.close()
    },
  }
}
