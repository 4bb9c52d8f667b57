/**
 * The current-state table and the outbox (DESIGN.md §12 "Downstream", store/outbox.ts), in both
 * dialects: SQLite schema version 5, PostgreSQL migration 5. A row per customer and purpose
 * decided, keyed purpose first (a list or a check reads one purpose); the granted rows indexed by
 * expiry and by version, which is what the sweeper looks for.
 */
export const SQLITE_DOWNSTREAM_TABLES = `
CREATE TABLE IF NOT EXISTS consent_states (
  purpose_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('granted', 'withdrawn')),
  conflicted INTEGER NOT NULL CHECK (conflicted IN (0, 1)),
  notice_version TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  effective_state TEXT NOT NULL CHECK (effective_state IN ('granted', 'withdrawn')),
  expires_at TEXT,
  change_seq INTEGER NOT NULL,
  PRIMARY KEY (purpose_id, customer_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS consent_states_expiring ON consent_states (expires_at)
  WHERE effective_state = 'granted' AND expires_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS consent_states_granted ON consent_states (purpose_id, notice_version)
  WHERE effective_state = 'granted';
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  customer_id TEXT,
  purpose_id TEXT,
  created_at TEXT NOT NULL,
  data TEXT NOT NULL
) STRICT;
`

/**
 * The rows of the customers a version 4 file holds, from their stored audit entries: the last
 * entry of each purpose gives the folded state, its version and receive time (expiry counts from
 * it). Marker 0: older than any list. A retired purpose is withdrawn; an expired grant or one a
 * required re-consent voids is found by the sweeper, and read as withdrawn meanwhile.
 */
export const SQLITE_BACKFILL = `
INSERT INTO consent_states (purpose_id, customer_id, state, conflicted, notice_version, decided_at,
  effective_state, expires_at, change_seq)
SELECT l.purpose_id, l.customer_id, l.new_state, l.conflicted, l.notice_version, l.received_at,
  CASE WHEN p.status = 'retired' THEN 'withdrawn' ELSE l.new_state END,
  CASE WHEN l.new_state = 'granted' AND v.lifetime_days IS NOT NULL
    THEN strftime('%Y-%m-%dT%H:%M:%fZ', l.received_at, '+' || v.lifetime_days || ' days') END,
  0
FROM (
  -- SQLite takes the bare columns from the row that has the max.
  SELECT customer_id, purpose_id, max(seq) AS seq, new_state, conflicted, notice_version, received_at
  FROM audit GROUP BY customer_id, purpose_id
) AS l
LEFT JOIN notice_versions AS v ON v.purpose_id = l.purpose_id AND v.version = l.notice_version
LEFT JOIN purposes AS p ON p.id = l.purpose_id;
`

/** Migration 5's tables; the outbox's head is one locked row, so seqs are gapless and in commit order. */
export const POSTGRES_DOWNSTREAM_TABLES = `
CREATE TABLE consent_states (
  purpose_id TEXT COLLATE "C" NOT NULL,
  customer_id TEXT COLLATE "C" NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('granted', 'withdrawn')),
  conflicted BOOLEAN NOT NULL,
  notice_version TEXT COLLATE "C" NOT NULL,
  decided_at TEXT COLLATE "C" NOT NULL,
  effective_state TEXT NOT NULL CHECK (effective_state IN ('granted', 'withdrawn')),
  expires_at TEXT COLLATE "C",
  change_seq BIGINT NOT NULL,
  PRIMARY KEY (purpose_id, customer_id)
);
CREATE INDEX consent_states_expiring ON consent_states (expires_at)
  WHERE effective_state = 'granted' AND expires_at IS NOT NULL;
CREATE INDEX consent_states_granted ON consent_states (purpose_id, notice_version)
  WHERE effective_state = 'granted';
CREATE TABLE outbox (
  seq BIGINT PRIMARY KEY,
  id TEXT COLLATE "C" NOT NULL UNIQUE,
  type TEXT NOT NULL,
  customer_id TEXT COLLATE "C",
  purpose_id TEXT COLLATE "C",
  created_at TEXT COLLATE "C" NOT NULL,
  data JSONB NOT NULL
);
CREATE TABLE outbox_head (
  one BOOLEAN PRIMARY KEY DEFAULT true CHECK (one),
  seq BIGINT NOT NULL
);
INSERT INTO outbox_head (seq) VALUES (0);
`

/** As SQLITE_BACKFILL, for a schema at migration 4. */
export const POSTGRES_BACKFILL = `
INSERT INTO consent_states (purpose_id, customer_id, state, conflicted, notice_version, decided_at,
  effective_state, expires_at, change_seq)
SELECT l.purpose_id, l.customer_id, l.new_state, l.conflicted, l.notice_version, l.received_at,
  CASE WHEN p.status = 'retired' THEN 'withdrawn' ELSE l.new_state END,
  CASE WHEN l.new_state = 'granted' AND v.lifetime_days IS NOT NULL
    THEN to_char((l.received_at::timestamptz + v.lifetime_days * interval '1 day') AT TIME ZONE 'UTC',
      'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END,
  0
FROM (
  SELECT DISTINCT ON (customer_id, purpose_id) customer_id, purpose_id, new_state, conflicted,
    notice_version, received_at
  FROM audit ORDER BY customer_id, purpose_id, seq DESC
) AS l
LEFT JOIN notice_versions AS v ON v.purpose_id = l.purpose_id AND v.version = l.notice_version
LEFT JOIN purposes AS p ON p.id = l.purpose_id;
`
