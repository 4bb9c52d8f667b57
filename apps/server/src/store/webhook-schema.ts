/**
 * The webhook tables (store/webhook-store.ts), applied as a schema migration by each adapter
 * (sqlite-schema.ts, postgres-schema.ts). A delivery's times to act on are milliseconds since the
 * epoch (compared with the clock); the times shown are RFC 3339 text as elsewhere.
 */

export const SQLITE_WEBHOOK_TABLES = `
CREATE TABLE IF NOT EXISTS webhook_endpoints (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  purpose_ids TEXT,
  enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  disabled_reason TEXT CHECK (disabled_reason IN ('admin', 'gone')),
  secret_sealed TEXT NOT NULL,
  previous_secret_sealed TEXT,
  previous_secret_until TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  cursor INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  endpoint_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  event_type TEXT NOT NULL,
  order_key TEXT NOT NULL,
  created_at TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  due_at_ms INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until_ms INTEGER,
  last_attempt_at TEXT,
  last_status INTEGER,
  last_error TEXT,
  delivered_at TEXT,
  PRIMARY KEY (endpoint_id, event_id)
) STRICT;
CREATE INDEX IF NOT EXISTS webhook_deliveries_pending ON webhook_deliveries (endpoint_id, status, order_key, seq);
CREATE INDEX IF NOT EXISTS webhook_deliveries_by_seq ON webhook_deliveries (endpoint_id, seq);
`

export const POSTGRES_WEBHOOK_TABLES = `
CREATE TABLE webhook_endpoints (
  id TEXT COLLATE "C" PRIMARY KEY,
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  purpose_ids TEXT,
  enabled BOOLEAN NOT NULL,
  disabled_reason TEXT CHECK (disabled_reason IN ('admin', 'gone')),
  secret_sealed TEXT NOT NULL,
  previous_secret_sealed TEXT,
  previous_secret_until TEXT COLLATE "C",
  created_at TEXT COLLATE "C" NOT NULL,
  updated_at TEXT COLLATE "C" NOT NULL,
  cursor BIGINT NOT NULL
);
CREATE TABLE webhook_deliveries (
  endpoint_id TEXT COLLATE "C" NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  event_id TEXT COLLATE "C" NOT NULL,
  seq BIGINT NOT NULL,
  event_type TEXT NOT NULL,
  order_key TEXT COLLATE "C" NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  due_at_ms BIGINT NOT NULL,
  lease_owner TEXT,
  lease_until_ms BIGINT,
  last_attempt_at TEXT,
  last_status INTEGER,
  last_error TEXT,
  delivered_at TEXT,
  PRIMARY KEY (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (endpoint_id, status, order_key, seq);
CREATE INDEX webhook_deliveries_by_seq ON webhook_deliveries (endpoint_id, seq);
`
