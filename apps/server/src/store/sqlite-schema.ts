import type Database from 'better-sqlite3'

/** Bumped with every schema change; `migrate` refuses a file written by a newer version. */
export const SCHEMA_VERSION = 2

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
  UNIQUE (customer_id, seq)
) STRICT;
CREATE INDEX IF NOT EXISTS audit_by_customer ON audit (customer_id, id);
CREATE INDEX IF NOT EXISTS audit_by_purpose ON audit (purpose_id, id);
CREATE INDEX IF NOT EXISTS audit_by_actor ON audit (actor_id, id);
CREATE INDEX IF NOT EXISTS audit_by_received ON audit (received_at);
CREATE TABLE IF NOT EXISTS customers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  phone TEXT NOT NULL,
  phone_digits TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS users (
  username TEXT PRIMARY KEY,
  id TEXT NOT NULL,
  role TEXT NOT NULL,
  name TEXT NOT NULL,
  customer_id TEXT,
  password_hash TEXT NOT NULL,
  demo INTEGER NOT NULL CHECK (demo IN (0, 1))
) STRICT;
`

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

/** Creates the tables, or brings an older file up to this version; refuses a file written by a newer one. */
export function migrateSqlite(db: Database.Database, path: string): void {
  const version = db.pragma('user_version', { simple: true }) as number
  if (version > SCHEMA_VERSION) {
    throw new Error(`${path} has schema version ${version}; this server knows up to ${SCHEMA_VERSION}`)
  }
  db.transaction(() => {
    if (version === 1) db.exec(TO_VERSION_2)
    db.exec(SCHEMA)
    db.pragma(`user_version = ${SCHEMA_VERSION}`)
  })()
}
