import { conflictKeysOf, openConflictKey, type RollupEvent, rollUp } from '../analytics/rollup'
import {
  type AnalyticsDialect,
  type AnalyticsStore,
  analyticsReads,
  analyticsWrites,
} from './analytics-store'
import type { openPool } from './postgres-pool'

type Pool = ReturnType<typeof openPool>

interface BatchRow {
  seq: string
  type: string
  created_at: string
  data: Record<string, unknown>
  has_evidence: boolean | null
  last_grant_at: string | null
}

/**
 * The roll-up in PostgreSQL: the mark row locked for the batch, so of instances rolling up at once
 * one takes a batch and the others wait and then go on from its new mark.
 */
export function postgresAnalytics({ query, transaction }: Pool, schema: string): AnalyticsStore {
  const table = (name: string) => `"${schema}".${name}`
  const dialect: AnalyticsDialect = { table, placeholder: (n) => `$${n}` }
  const batch = `
SELECT o.seq, o.type, o.created_at, o.data,
  CASE WHEN a.id IS NULL THEN NULL ELSE coalesce(a.evidence, '') <> '' END AS has_evidence,
  CASE WHEN a.decision = 'withdrawn' AND a.previous_state = 'granted' THEN (
    SELECT g.received_at FROM ${table('audit')} AS g
    WHERE g.customer_id = a.customer_id AND g.seq < a.seq AND g.purpose_id = a.purpose_id
      AND g.decision = 'granted'
    ORDER BY g.seq DESC LIMIT 1) END AS last_grant_at
FROM ${table('outbox')} AS o
LEFT JOIN ${table('audit')} AS a ON o.type = 'decision.accepted' AND a.customer_id = o.customer_id
  AND a.seq = (o.data->>'seq')::integer
WHERE o.seq > $1 ORDER BY o.seq LIMIT $2`
  const openAmong = `
SELECT c.purpose_id, c.customer_id, c.opened_at FROM ${table('analytics_conflicts')} AS c
JOIN unnest($1::text[], $2::text[]) AS k (purpose_id, customer_id)
  ON c.purpose_id = k.purpose_id AND c.customer_id = k.customer_id
WHERE c.closed_at IS NULL`
  return {
    rollUpAnalytics: (limit) =>
      transaction(async (client) => {
        const marked = await client.query<{ outbox_seq: string }>(
          `SELECT outbox_seq FROM ${table('analytics_mark')} FOR UPDATE`,
        )
        const mark = Number(marked.rows[0]?.outbox_seq ?? 0)
        const { rows } = await client.query<BatchRow>(batch, [mark, limit])
        const last = rows.at(-1)
        if (!last) return 0
        const events: RollupEvent[] = rows.map((r) => ({
          seq: Number(r.seq),
          type: r.type,
          createdAt: r.created_at,
          data: r.data,
          hasEvidence: r.has_evidence,
          lastGrantAt: r.last_grant_at,
        }))
        const keys = conflictKeysOf(events)
        const open = new Map<string, string>()
        if (keys.length > 0) {
          const found = await client.query<{ purpose_id: string; customer_id: string; opened_at: string }>(
            openAmong,
            [keys.map((k) => k.purposeId), keys.map((k) => k.customerId)],
          )
          for (const r of found.rows) open.set(openConflictKey(r.purpose_id, r.customer_id), r.opened_at)
        }
        for (const { sql, params } of analyticsWrites(rollUp(events, open), Number(last.seq), dialect, 500)) {
          await client.query(sql, params)
        }
        return rows.length
      }),
    ...analyticsReads(dialect, (sql, params) => query(sql, params)),
  }
}
