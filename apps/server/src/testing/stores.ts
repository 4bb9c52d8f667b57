import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { StoreFixture } from '../store/conformance/fixture'
import { createPostgresStore } from '../store/postgres'
import { createSqliteStore, type SqliteStoreOptions } from '../store/sqlite'
import type { Store } from '../store/store'
import { dropSchema, freshSchema, POSTGRES_URL } from './services'

/**
 * Stores on one fresh SQLite file in a temp dir, committing where `writer` says (default: the
 * server's default); `cleanup` closes them and removes the dir.
 */
export async function sqliteStores(
  options: Pick<SqliteStoreOptions, 'writer'> = {},
): Promise<StoreFixture<Store> & { path: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'consent-store-'))
  const file = path.join(dir, 'consent.db')
  const opened: Store[] = []
  return {
    path: file,
    open: () => {
      const store = createSqliteStore({ path: file, ...options })
      opened.push(store)
      return store
    },
    cleanup: async () => {
      for (const s of opened) await s.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/**
 * Stores on one fresh PostgreSQL schema, each with a pool of its own (like server instances sharing
 * a database); `cleanup` closes them and drops the schema.
 */
export function postgresStores(options: { max?: number } = {}): StoreFixture<Store> & { schema: string } {
  const schema = freshSchema()
  const opened: Store[] = []
  return {
    schema,
    open: () => {
      const store = createPostgresStore({ connectionString: POSTGRES_URL, schema, ...options })
      opened.push(store)
      return store
    },
    cleanup: async () => {
      await Promise.all(opened.map((s) => s.close()))
      await dropSchema(schema)
    },
  }
}
