import Database from 'better-sqlite3'

export interface SqliteFileOptions {
  path: string
  synchronous?: 'FULL' | 'NORMAL'
}

/** One connection to the store's file: WAL, the durability asked for, waiting on another writer. */
export function openSqlite({ path, synchronous }: SqliteFileOptions): Database.Database {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`)
  db.pragma('busy_timeout = 5000')
  return db
}
