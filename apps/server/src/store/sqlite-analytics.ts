import type Database from 'better-sqlite3'
import { conflictKeysOf, openConflictKey, type RollupEvent, rollUp } from '../analytics/rollup'
import {
  type AnalyticsDialect,
  type AnalyticsStore,
  analyticsReads,
  analyticsWrites,
  openConflictQuery,
} from './analytics-store'

// Named: a statement may use its parameters in another order than they are given.
const SQLITE: AnalyticsDialect = { table: (name) => name, placeholder: (n) => `@p${n}` }

/** The parameters of a statement written with SQLITE's placeholders. */
const named = (params: readonly unknown[]) => Object.fromEntries(params.map((v, i) => [`p${i + 1}`, v]))

/**
 * An outbox row past the mark, with its audit entry's evidence and, for a withdrawal of a grant,
 * the customer's last grant of the purpose before it (one lookup in the customer's entries).
 */
const BATCH = `
SELECT o.seq, o.type, o.created_at, o.data,
  CASE WHEN a.id IS NULL THEN NULL WHEN coalesce(a.evidence, '') <> '' THEN 1 ELSE 0 END AS has_evidence,
  CASE WHEN a.decision = 'withdrawn' AND a.previous_state = 'granted' THEN (
    SELECT g.received_at FROM audit AS g
    WHERE g.customer_id = a.customer_id AND g.seq < a.seq AND g.purpose_id = a.purpose_id
      AND g.decision = 'granted'
    ORDER BY g.seq DESC LIMIT 1) END AS last_grant_at
FROM outbox AS o
LEFT JOIN audit AS a ON o.type = 'decision.accepted' AND a.customer_id = o.customer_id
  AND a.seq = json_extract(o.data, '$.seq')
WHERE o.seq > ? ORDER BY o.seq LIMIT ?`

interface BatchRow {
  seq: number
  type: string
  created_at: string
  data: string
  has_evidence: number | null
  last_grant_at: string | null
}

/** The roll-up on the connection that writes (the writer thread's): one IMMEDIATE transaction a batch. */
export function sqliteAnalyticsWrites(db: Database.Database): (limit: number) => number {
  let s: ReturnType<typeof prepare> | null = null
  const prepare = () => ({
    mark: db.prepare<[], { outbox_seq: number }>('SELECT outbox_seq FROM analytics_mark'),
    batch: db.prepare<[number, number], BatchRow>(BATCH),
    open: db.prepare<[Record<string, unknown>], { opened_at: string }>(openConflictQuery(SQLITE)),
    statements: new Map<string, Database.Statement>(),
  })
  const run = db.transaction((limit: number): number => {
    s ??= prepare()
    const mark = s.mark.get()?.outbox_seq ?? 0
    const rows = s.batch.all(mark, limit)
    const last = rows.at(-1)
    if (!last) return 0
    const events: RollupEvent[] = rows.map((r) => ({
      seq: r.seq,
      type: r.type,
      createdAt: r.created_at,
      data: JSON.parse(r.data) as Record<string, unknown>,
      hasEvidence: r.has_evidence === null ? null : r.has_evidence === 1,
      lastGrantAt: r.last_grant_at,
    }))
    const open = new Map<string, string>()
    for (const k of conflictKeysOf(events)) {
      const found = s.open.get(named([k.purposeId, k.customerId]))
      if (found) open.set(openConflictKey(k.purposeId, k.customerId), found.opened_at)
    }
    for (const { sql, params } of analyticsWrites(rollUp(events, open), last.seq, SQLITE)) {
      let stmt = s.statements.get(sql)
      if (!stmt) {
        stmt = db.prepare(sql)
        s.statements.set(sql, stmt)
      }
      stmt.run(named(params))
    }
    return rows.length
  })
  return (limit) => {
    // Derived and re-derivable: a batch lost to a power cut takes its mark with it and is rolled up
    // again, so its commit need not wait for an fsync (the next append's fsync covers its WAL frames).
    const synchronous = db.pragma('synchronous', { simple: true }) as number
    db.pragma('synchronous = OFF')
    try {
      return run.immediate(limit)
    } finally {
      db.pragma(`synchronous = ${synchronous}`)
    }
  }
}

/** The roll-up's reads on the reading connection, its writes through `write`. */
export function sqliteAnalytics(
  db: Database.Database,
  write: (limit: number) => Promise<number>,
): AnalyticsStore {
  const statements = new Map<string, Database.Statement<[Record<string, unknown>], Record<string, unknown>>>()
  return {
    rollUpAnalytics: write,
    ...analyticsReads(SQLITE, async (sql, params) => {
      let stmt = statements.get(sql)
      if (!stmt) {
        stmt = db.prepare<[Record<string, unknown>], Record<string, unknown>>(sql)
        statements.set(sql, stmt)
      }
      return stmt.all(named(params))
    }),
  }
}
