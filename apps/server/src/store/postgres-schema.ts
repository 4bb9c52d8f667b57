import type { PoolClient } from 'pg'
import { APPEND_BATCH_FUNCTION } from './postgres-append'

/** One schema change. Applied once, in version order, inside a transaction; never edited once released. */
export interface Migration {
  version: number
  sql: string
}

/**
 * The PostgreSQL schema, mirroring sqlite.ts. Times and ids are TEXT COLLATE "C" so that
 * comparisons and ORDER BY are byte order, as in SQLite (a locale collation would not sort ISO
 * times or ids the way the audit filters and `documentIds` expect), and so that the strings read
 * back are exactly the ones that were hashed into the chain.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE documents (
  customer_id TEXT COLLATE "C" PRIMARY KEY,
  update_seq INTEGER NOT NULL,
  audit_seq INTEGER NOT NULL,
  audit_head TEXT NOT NULL,
  snapshot BYTEA,
  snapshot_seq INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE updates (
  customer_id TEXT COLLATE "C" NOT NULL,
  seq INTEGER NOT NULL,
  data BYTEA NOT NULL,
  received_at TEXT NOT NULL,
  connection_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  user_role TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (customer_id, seq)
);
CREATE TABLE audit (
  id BIGSERIAL PRIMARY KEY,
  customer_id TEXT COLLATE "C" NOT NULL,
  seq INTEGER NOT NULL,
  purpose_id TEXT COLLATE "C" NOT NULL,
  decision_id TEXT NOT NULL,
  decision TEXT NOT NULL,
  previous_state TEXT NOT NULL,
  new_state TEXT NOT NULL,
  conflicted BOOLEAN NOT NULL,
  actor_id TEXT COLLATE "C" NOT NULL,
  actor_role TEXT NOT NULL,
  channel TEXT NOT NULL,
  notice_version TEXT NOT NULL,
  evidence TEXT,
  device_at TEXT NOT NULL,
  received_at TEXT COLLATE "C" NOT NULL,
  connection_id TEXT NOT NULL,
  update_hash TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  UNIQUE (customer_id, seq)
);
CREATE INDEX audit_by_customer ON audit (customer_id, id);
CREATE INDEX audit_by_purpose ON audit (purpose_id, id);
CREATE INDEX audit_by_actor ON audit (actor_id, id);
CREATE INDEX audit_by_received ON audit (received_at);
CREATE TABLE customers (
  id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL,
  phone TEXT NOT NULL,
  phone_digits TEXT NOT NULL
);
CREATE TABLE users (
  username TEXT PRIMARY KEY,
  id TEXT NOT NULL,
  role TEXT NOT NULL,
  name TEXT NOT NULL,
  customer_id TEXT,
  password_hash TEXT NOT NULL,
  demo BOOLEAN NOT NULL
);
`,
  },
  // One round trip per group commit: the whole append in one function call (postgres-append.ts).
  { version: 2, sql: APPEND_BATCH_FUNCTION },
]

/** A schema name usable unquoted-equivalent: letters, digits and _, so it needs no escaping anywhere. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

export function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`postgres schema ${JSON.stringify(schema)}: use lowercase letters, digits and _`)
  }
  return schema
}

/**
 * Creates the schema if missing and applies the migrations it lacks. Runs inside the caller's
 * transaction; the advisory lock serialises instances migrating at once (CREATE … IF NOT EXISTS
 * alone races on the catalog and fails one of them with a unique violation).
 */
export async function applyMigrations(
  client: PoolClient,
  schema: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<void> {
  const known = Math.max(0, ...migrations.map((m) => m.version))
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`consent-sync migrate ${schema}`])
  await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`)
  // Only for this transaction: the unqualified names of the migrations land in the store's schema.
  await client.query(`SET LOCAL search_path TO "${schema}"`)
  await client.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version INTEGER PRIMARY KEY,
       applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
     )`,
  )
  const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations')
  const applied = new Set(rows.map((r) => r.version))
  const newest = Math.max(0, ...applied)
  if (newest > known) {
    throw new Error(`postgres schema ${schema} has version ${newest}; this server knows up to ${known}`)
  }
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue
    await client.query(m.sql)
    await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [m.version])
  }
}
