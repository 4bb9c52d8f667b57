/**
 * The analytics roll-up tables (analytics/rollup.ts), in both dialects: SQLite schema version 9,
 * PostgreSQL migration 9. Daily counters small enough to sum at any range (days × purposes ×
 * channels, not customers), the conflicts one row each, and the mark: the outbox seq rolled up to.
 */
const tables = (big: string, text: string, tail: string) => `
CREATE TABLE IF NOT EXISTS analytics_mark (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  outbox_seq ${big} NOT NULL
)${tail};
CREATE TABLE IF NOT EXISTS analytics_customers_daily (
  day ${text} PRIMARY KEY,
  customers ${big} NOT NULL
)${tail};
CREATE TABLE IF NOT EXISTS analytics_granted_daily (
  purpose_id ${text} NOT NULL,
  day ${text} NOT NULL,
  delta ${big} NOT NULL,
  PRIMARY KEY (purpose_id, day)
)${tail};
CREATE TABLE IF NOT EXISTS analytics_decisions_daily (
  day ${text} NOT NULL,
  purpose_id ${text} NOT NULL,
  channel ${text} NOT NULL,
  decider ${text} NOT NULL CHECK (decider IN ('customer', 'agent')),
  kind ${text} NOT NULL CHECK (kind IN ('grant', 'withdraw', 'renew')),
  decisions ${big} NOT NULL,
  PRIMARY KEY (day, purpose_id, channel, decider, kind)
)${tail};
CREATE TABLE IF NOT EXISTS analytics_lags_daily (
  day ${text} NOT NULL,
  purpose_id ${text} NOT NULL,
  lag_days INTEGER NOT NULL,
  withdrawals ${big} NOT NULL,
  PRIMARY KEY (day, purpose_id, lag_days)
)${tail};
CREATE TABLE IF NOT EXISTS analytics_ended_daily (
  day ${text} NOT NULL,
  purpose_id ${text} NOT NULL,
  reason ${text} NOT NULL,
  ended ${big} NOT NULL,
  PRIMARY KEY (day, purpose_id, reason)
)${tail};
CREATE TABLE IF NOT EXISTS analytics_agents_daily (
  day ${text} NOT NULL,
  actor_id ${text} NOT NULL,
  decisions ${big} NOT NULL,
  with_evidence ${big} NOT NULL,
  PRIMARY KEY (day, actor_id)
)${tail};
CREATE TABLE IF NOT EXISTS analytics_conflicts (
  purpose_id ${text} NOT NULL,
  customer_id ${text} NOT NULL,
  opened_at ${text} NOT NULL,
  closed_at ${text},
  PRIMARY KEY (purpose_id, customer_id, opened_at)
)${tail};
CREATE INDEX IF NOT EXISTS analytics_conflicts_open ON analytics_conflicts (opened_at)
  WHERE closed_at IS NULL;
CREATE INDEX IF NOT EXISTS analytics_conflicts_closed ON analytics_conflicts (closed_at)
  WHERE closed_at IS NOT NULL;
`

export const SQLITE_ANALYTICS_TABLES = `${tables('INTEGER', 'TEXT', ' STRICT')}
INSERT OR IGNORE INTO analytics_mark (one, outbox_seq) VALUES (1, 0);`

/**
 * The customers and grants a file upgraded from before version 5 holds without events (their
 * current-state rows were filled from the audit log, marker 0): counted on their decision's day,
 * once, when the tables are made.
 */
const baseline = (substr: string, granted: string) => `
INSERT INTO analytics_customers_daily (day, customers)
SELECT day, count(*) FROM (
  SELECT customer_id, ${substr}(min(decided_at), 1, 10) AS day FROM consent_states
  WHERE change_seq = 0 GROUP BY customer_id
) AS first GROUP BY day;
INSERT INTO analytics_granted_daily (purpose_id, day, delta)
SELECT purpose_id, ${substr}(decided_at, 1, 10), count(*) FROM consent_states
WHERE change_seq = 0 AND ${granted} GROUP BY purpose_id, ${substr}(decided_at, 1, 10);`

export const SQLITE_ANALYTICS_BASELINE = baseline('substr', "effective_state = 'granted'")

/** Migration 9 (tables named in the search path the migration sets). */
export const POSTGRES_ANALYTICS_TABLES = `${tables('BIGINT', 'TEXT COLLATE "C"', '')}
INSERT INTO analytics_mark (one, outbox_seq) VALUES (1, 0);
${baseline('substr', "effective_state = 'granted'")}`
