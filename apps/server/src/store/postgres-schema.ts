import type { PoolClient } from 'pg'
import { nameWords } from '../directory/search-keys'
import { POSTGRES_ANALYTICS_TABLES } from './analytics-schema'
import { postgresCheckpointTables } from './checkpoint-schema'
import { POSTGRES_BACKFILL, POSTGRES_DOWNSTREAM_TABLES } from './downstream-schema'
import { APPEND_BATCH_FUNCTION } from './postgres-append'
import { APPEND_BATCH_FUNCTION_V5 } from './postgres-append-downstream'
import { POSTGRES_WEBHOOK_TABLES } from './webhook-schema'

/**
 * The purpose catalog (consent-core SPEC 1.6) and the admin audit log, as in sqlite-schema.ts: a
 * purpose's and a version's place in order is the admin seq that created it; titles, notices and
 * details are JSON text, read back exactly as written. Published versions and admin entries are
 * never changed or removed: the trigger refuses it.
 */
const CATALOG_TABLES = `
CREATE TABLE purposes (
  id TEXT COLLATE "C" PRIMARY KEY,
  default_state TEXT NOT NULL CHECK (default_state IN ('granted', 'withdrawn')),
  status TEXT NOT NULL CHECK (status IN ('active', 'retired')),
  created_at TEXT COLLATE "C" NOT NULL,
  created_seq INTEGER NOT NULL UNIQUE
);
CREATE TABLE notice_versions (
  purpose_id TEXT COLLATE "C" NOT NULL REFERENCES purposes (id),
  version TEXT COLLATE "C" NOT NULL,
  title TEXT NOT NULL,
  notice TEXT NOT NULL,
  text_hash TEXT NOT NULL,
  material BOOLEAN NOT NULL,
  lifetime_days INTEGER CHECK (lifetime_days > 0),
  reconsent TEXT CHECK (reconsent IN ('required', 'prompt')),
  published_at TEXT COLLATE "C" NOT NULL,
  published_by TEXT NOT NULL,
  published_seq INTEGER NOT NULL UNIQUE,
  PRIMARY KEY (purpose_id, version)
);
CREATE TABLE admin_audit (
  seq INTEGER PRIMARY KEY,
  action TEXT NOT NULL,
  target TEXT COLLATE "C" NOT NULL,
  actor_id TEXT COLLATE "C" NOT NULL,
  actor_role TEXT NOT NULL,
  at TEXT COLLATE "C" NOT NULL,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $refuse$
BEGIN
  RAISE EXCEPTION '% rows are never changed or removed', TG_TABLE_NAME;
END
$refuse$;
CREATE TRIGGER notice_versions_immutable BEFORE UPDATE OR DELETE ON notice_versions
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER admin_audit_append_only BEFORE UPDATE OR DELETE ON admin_audit
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
`

/** One schema change. Applied once, in version order, inside a transaction; never edited once released. */
export interface Migration {
  version: number
  sql: string
  /** What SQL alone cannot compute, run after `sql` in the same transaction (search_path set). */
  after?: (client: PoolClient) => Promise<void>
}

/**
 * Version 4: customers gain an e-mail, an account number and the search keys (directory/search-keys.ts);
 * accounts can be disabled and know when they were created. Role stays free text.
 */
const DIRECTORY_V4 = `
ALTER TABLE customers ADD COLUMN email TEXT, ADD COLUMN account_number TEXT,
  ADD COLUMN phone_reversed TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE customers SET phone_reversed = reverse(phone_digits);
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT false, ADD COLUMN created_at TEXT;
CREATE TABLE customer_words (
  word TEXT COLLATE "C" NOT NULL,
  customer_id TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (word, customer_id)
);
CREATE INDEX customers_by_lower_id ON customers (lower(id));
CREATE INDEX customers_by_phone ON customers ((phone_digits COLLATE "C"));
CREATE INDEX customers_by_phone_reversed ON customers (phone_reversed);
`

/** The words of the names stored before version 4, split as new writes split them. */
async function indexStoredNames(client: PoolClient): Promise<void> {
  const { rows } = await client.query<{ id: string; name: string }>('SELECT id, name FROM customers')
  const words: string[] = []
  const owners: string[] = []
  for (const c of rows) {
    for (const w of nameWords(c.name)) {
      words.push(w)
      owners.push(c.id)
    }
  }
  await client.query(
    'INSERT INTO customer_words (word, customer_id) SELECT * FROM unnest($1::text[], $2::text[])',
    [words, owners],
  )
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
  // One round trip per group commit: the whole append in one function call (postgres-append.ts),
  // which stores each entry's notice hash (NULL for entries hashed without one). Not yet released.
  {
    version: 2,
    sql: `ALTER TABLE audit ADD COLUMN notice_hash TEXT COLLATE "C";
${APPEND_BATCH_FUNCTION}`,
  },
  // The purpose catalog and the admin audit log (postgres-catalog.ts).
  { version: 3, sql: CATALOG_TABLES },
  { version: 4, sql: DIRECTORY_V4, after: indexStoredNames },
  // The current-state table and the outbox (downstream-schema.ts), filled from the stored audit
  // entries, and append_batch writing them in the append's statement (postgres-append-downstream.ts).
  {
    version: 5,
    sql: `${POSTGRES_DOWNSTREAM_TABLES}
${POSTGRES_BACKFILL}
${APPEND_BATCH_FUNCTION_V5}`,
  },
  // Webhook endpoints, their outbox cursors and their deliveries (postgres-webhooks.ts).
  { version: 6, sql: POSTGRES_WEBHOOK_TABLES },
  // Version 7: the checkpoint log and its signed checkpoints (docs/checkpoints.md).
  { version: 7, sql: postgresCheckpointTables() },
  // A receipt found by its decision id alone (GET /api/receipts/:decisionId).
  { version: 8, sql: 'CREATE INDEX audit_by_decision ON audit (decision_id);' },
  // The analytics roll-up (analytics-schema.ts); what has no events counted once.
  { version: 9, sql: POSTGRES_ANALYTICS_TABLES },
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
    await m.after?.(client)
    await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [m.version])
  }
}
