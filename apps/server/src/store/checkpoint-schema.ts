/**
 * The checkpoint log's tables (docs/checkpoints.md), in the store's schema version 7: the leaves in
 * log order, and the signed checkpoints by size. IF NOT EXISTS: the log also creates them itself,
 * for a log beside an in-memory store.
 */
export const SQLITE_CHECKPOINT_TABLES = `
CREATE TABLE IF NOT EXISTS checkpoint_leaves (
  idx INTEGER PRIMARY KEY,
  customer_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  head TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS checkpoints (
  size INTEGER PRIMARY KEY,
  root TEXT NOT NULL,
  note TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;`

/** The PostgreSQL tables, each name as `table` qualifies it (unqualified inside a migration). */
export function postgresCheckpointTables(table: (name: string) => string = (name) => name): string {
  return `
CREATE TABLE IF NOT EXISTS ${table('checkpoint_leaves')} (
  idx BIGINT PRIMARY KEY,
  customer_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  head TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ${table('checkpoints')} (
  size BIGINT PRIMARY KEY,
  root TEXT NOT NULL,
  note TEXT NOT NULL,
  created_at TEXT NOT NULL
);`
}
