import type Database from 'better-sqlite3'
import { nameWords, reversedDigits } from '../directory/search-keys'
import { SQLITE_ANALYTICS_BASELINE, SQLITE_ANALYTICS_TABLES } from './analytics-schema'
import { SQLITE_CHECKPOINT_TABLES } from './checkpoint-schema'
import { SQLITE_BACKFILL, SQLITE_DOWNSTREAM_TABLES } from './downstream-schema'
import { SQLITE_WEBHOOK_TABLES } from './webhook-schema'

/** Bumped with every schema change; `migrate` refuses a file written by a newer version. */
export const SCHEMA_VERSION = 9

/**
 * The purpose catalog (consent-core SPEC 1.6) and the admin audit log. A purpose's and a version's
 * place in order is the admin seq that created it; titles and notices are JSON objects by language.
 * Published versions and admin entries are never changed or removed: the triggers refuse it.
 */
const CATALOG_TABLES = `
CREATE TABLE IF NOT EXISTS purposes (
  id TEXT PRIMARY KEY,
  default_state TEXT NOT NULL CHECK (default_state IN ('granted', 'withdrawn')),
  status TEXT NOT NULL CHECK (status IN ('active', 'retired')),
  created_at TEXT NOT NULL,
  created_seq INTEGER NOT NULL UNIQUE
) STRICT;
CREATE TABLE IF NOT EXISTS notice_versions (
  purpose_id TEXT NOT NULL REFERENCES purposes (id),
  version TEXT NOT NULL,
  title TEXT NOT NULL,
  notice TEXT NOT NULL,
  text_hash TEXT NOT NULL,
  material INTEGER NOT NULL CHECK (material IN (0, 1)),
  lifetime_days INTEGER CHECK (lifetime_days > 0),
  reconsent TEXT CHECK (reconsent IN ('required', 'prompt')),
  published_at TEXT NOT NULL,
  published_by TEXT NOT NULL,
  published_seq INTEGER NOT NULL UNIQUE,
  PRIMARY KEY (purpose_id, version)
) STRICT;
CREATE TABLE IF NOT EXISTS admin_audit (
  seq INTEGER PRIMARY KEY,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  at TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE TRIGGER IF NOT EXISTS notice_versions_no_update BEFORE UPDATE ON notice_versions
BEGIN SELECT RAISE(ABORT, 'a published notice version is immutable'); END;
CREATE TRIGGER IF NOT EXISTS notice_versions_no_delete BEFORE DELETE ON notice_versions
BEGIN SELECT RAISE(ABORT, 'a published notice version is immutable'); END;
CREATE TRIGGER IF NOT EXISTS admin_audit_no_update BEFORE UPDATE ON admin_audit
BEGIN SELECT RAISE(ABORT, 'the admin audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS admin_audit_no_delete BEFORE DELETE ON admin_audit
BEGIN SELECT RAISE(ABORT, 'the admin audit log is append-only'); END;
`

/**
 * What customer search reads (directory/search-keys.ts): ids case-insensitively, the digits of the
 * phone number from either end, and each word of the name.
 */
const DIRECTORY_INDEXES = `
CREATE INDEX IF NOT EXISTS customers_by_id_nocase ON customers (id COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS customers_by_phone ON customers (phone_digits);
CREATE INDEX IF NOT EXISTS customers_by_phone_reversed ON customers (phone_reversed);
CREATE TABLE IF NOT EXISTS customer_words (
  word TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  PRIMARY KEY (word, customer_id)
) STRICT, WITHOUT ROWID;
`

const SCHEMA = `
CREATE TABLE IF NOT EXISTS documents (
  customer_id TEXT PRIMARY KEY,
  update_seq INTEGER NOT NULL,
  audit_seq INTEGER NOT NULL,
  audit_head TEXT NOT NULL,
  snapshot BLOB,
  snapshot_seq INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE TABLE IF NOT EXISTS updates (
  customer_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  data BLOB NOT NULL,
  received_at TEXT NOT NULL,
  connection_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  user_role TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (customer_id, seq)
) STRICT;
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  customer_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  purpose_id TEXT NOT NULL,
  decision_id TEXT NOT NULL,
  decision TEXT NOT NULL,
  previous_state TEXT NOT NULL,
  new_state TEXT NOT NULL,
  conflicted INTEGER NOT NULL CHECK (conflicted IN (0, 1)),
  actor_id TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  channel TEXT NOT NULL,
  notice_version TEXT NOT NULL,
  evidence TEXT,
  device_at TEXT NOT NULL,
  received_at TEXT NOT NULL,
  connection_id TEXT NOT NULL,
  update_hash TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  notice_hash TEXT,
  UNIQUE (customer_id, seq)
) STRICT;
CREATE INDEX IF NOT EXISTS audit_by_customer ON audit (customer_id, id);
CREATE INDEX IF NOT EXISTS audit_by_purpose ON audit (purpose_id, id);
CREATE INDEX IF NOT EXISTS audit_by_actor ON audit (actor_id, id);
CREATE INDEX IF NOT EXISTS audit_by_received ON audit (received_at);
CREATE INDEX IF NOT EXISTS audit_by_decision ON audit (decision_id);
CREATE TABLE IF NOT EXISTS customers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  phone TEXT NOT NULL,
  phone_digits TEXT NOT NULL,
  email TEXT,
  account_number TEXT,
  phone_reversed TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE TABLE IF NOT EXISTS users (
  username TEXT PRIMARY KEY,
  id TEXT NOT NULL,
  role TEXT NOT NULL,
  name TEXT NOT NULL,
  customer_id TEXT,
  password_hash TEXT NOT NULL,
  demo INTEGER NOT NULL CHECK (demo IN (0, 1)),
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at TEXT
) STRICT;
${CATALOG_TABLES}
${DIRECTORY_INDEXES}
${SQLITE_DOWNSTREAM_TABLES}
${SQLITE_WEBHOOK_TABLES}
${SQLITE_CHECKPOINT_TABLES}
${SQLITE_ANALYTICS_TABLES}`

/**
 * Version 2: `updates` keeps its rows in insertion order (a rowid table; its primary key becomes
 * an index). As a WITHOUT ROWID table every append rewrote a leaf page full of whole updates in the
 * middle of the file, one per customer in the batch: a third of a commit's cost.
 */
const TO_VERSION_2 = `
CREATE TABLE updates_v2 (
  customer_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  data BLOB NOT NULL,
  received_at TEXT NOT NULL,
  connection_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  user_role TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (customer_id, seq)
) STRICT;
INSERT INTO updates_v2 SELECT * FROM updates ORDER BY customer_id, seq;
DROP TABLE updates;
ALTER TABLE updates_v2 RENAME TO updates;
`

/**
 * Version 3: an audit entry keeps the hash of the notice texts it was made under (NULL for older
 * entries, which were hashed without it), and the catalog and the admin log are tables.
 */
const TO_VERSION_3 = `
ALTER TABLE audit ADD COLUMN notice_hash TEXT;
${CATALOG_TABLES}`

/**
 * Version 4: customers gain an e-mail, an account number and the search keys (the words and the
 * reversed digits are filled in by `indexStoredCustomers`); accounts can be disabled and know
 * when they were created.
 */
const TO_VERSION_4: readonly [table: string, column: string, definition: string][] = [
  ['customers', 'email', 'TEXT'],
  ['customers', 'account_number', 'TEXT'],
  ['customers', 'phone_reversed', "TEXT NOT NULL DEFAULT ''"],
  ['users', 'disabled', 'INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))'],
  ['users', 'created_at', 'TEXT'],
]

/** Adds the version 4 columns a file lacks (a file downgraded by hand may hold some of them). */
function addVersion4Columns(db: Database.Database): void {
  for (const [table, column, definition] of TO_VERSION_4) {
    const has = db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`).all()
    if (!has.some((c) => c.name === column))
      db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`)
  }
}

/** The search keys of the customers a version 3 file holds, computed as new writes compute them. */
function indexStoredCustomers(db: Database.Database): void {
  const setReversed = db.prepare<[string, string]>('UPDATE customers SET phone_reversed = ? WHERE id = ?')
  const addWord = db.prepare<[string, string]>(
    'INSERT OR IGNORE INTO customer_words (word, customer_id) VALUES (?, ?)',
  )
  const stored = db.prepare<[], { id: string; name: string; phone: string }>(
    'SELECT id, name, phone FROM customers',
  )
  for (const c of stored.all()) {
    setReversed.run(reversedDigits(c.phone), c.id)
    for (const w of nameWords(c.name)) addWord.run(w, c.id)
  }
}

/** Creates the tables, or brings an older file up to this version; refuses a file written by a newer one. */
export function migrateSqlite(db: Database.Database, path: string): void {
  const version = db.pragma('user_version', { simple: true }) as number
  if (version > SCHEMA_VERSION) {
    throw new Error(`${path} has schema version ${version}; this server knows up to ${SCHEMA_VERSION}`)
  }
  db.transaction(() => {
    // 0 is a new file: SCHEMA creates everything as this version has it.
    if (version >= 1 && version < 2) db.exec(TO_VERSION_2)
    if (version >= 1 && version < 3) db.exec(TO_VERSION_3)
    if (version >= 1 && version < 4) addVersion4Columns(db)
    db.exec(SCHEMA)
    if (version >= 1 && version < 4) indexStoredCustomers(db)
    // Version 5: the current-state table and the outbox (downstream-schema.ts), filled from the audit log.
    if (version >= 1 && version < 5) db.exec(SQLITE_BACKFILL)
    // Version 7: the checkpoint log (checkpoint-schema.ts), created empty by SCHEMA above.
    // Version 8: audit_by_decision (a receipt found by its decision id), made by SCHEMA above.
    // Version 9: the analytics roll-up (analytics-schema.ts); what has no events counted once.
    if (version >= 1 && version < 9) db.exec(SQLITE_ANALYTICS_BASELINE)
    db.pragma(`user_version = ${SCHEMA_VERSION}`)
  })()
}
