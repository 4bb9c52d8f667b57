import {
  CONSENT_STATE_COLUMNS,
  type ConsentStateDbRow,
  OUTBOX_COLUMNS,
  type OutboxDbRow,
  pageSizeOf,
  toConsentState,
  toOutboxEvent,
} from './downstream-rows'
import type { DownstreamStore, OutboxEvent } from './outbox'
import type { openPool } from './postgres-pool'

type Pool = ReturnType<typeof openPool>

/** Tries of a downstream write when PostgreSQL aborts it for a deadlock or a serialization failure. */
const WRITE_ATTEMPTS = 5

export interface DownstreamTables {
  consentStates: string
  outbox: string
  outboxHead: string
}

/**
 * The outbox and the current-state table in PostgreSQL. Writes lock the outbox head row last, as
 * `append_batch` does, so seqs stay gapless and in commit order across instances; a sweep's change
 * is a conditional UPDATE on the row's marker, so of instances sweeping at once one applies it.
 */
export function postgresDownstream({ query, transaction }: Pool, t: DownstreamTables): DownstreamStore {
  const insertEvent = `INSERT INTO ${t.outbox} (${OUTBOX_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`
  const eventValues = (seq: number, e: Omit<OutboxEvent, 'seq'>) => [
    seq,
    e.id,
    e.type,
    e.customerId,
    e.purposeId,
    e.createdAt,
    JSON.stringify(e.data),
  ]
  const head = `SELECT seq FROM ${t.outboxHead} FOR UPDATE`
  return {
    async readOutbox(afterSeq, limit) {
      const found = await query<OutboxDbRow>(
        `SELECT ${OUTBOX_COLUMNS} FROM ${t.outbox} WHERE seq > $1 ORDER BY seq LIMIT $2`,
        [afterSeq, limit],
      )
      return found.map(toOutboxEvent)
    },
    async outboxHead() {
      const [row] = await query<{ seq: string }>(`SELECT seq FROM ${t.outboxHead}`)
      return Number(row?.seq ?? 0)
    },
    async appendEvents(events) {
      if (events.length === 0) return 0
      return transaction(
        async (client) => {
          const known = await client.query<{ id: string }>(
            `SELECT id FROM ${t.outbox} WHERE id = ANY($1::text[])`,
            [events.map((e) => e.id)],
          )
          const skip = new Set(known.rows.map((r) => r.id))
          const fresh = events.filter((e) => !skip.has(e.id) && skip.add(e.id))
          if (fresh.length === 0) return 0
          let seq = Number((await client.query<{ seq: string }>(head)).rows[0]!.seq)
          for (const e of fresh) await client.query(insertEvent, eventValues(++seq, e))
          await client.query(`UPDATE ${t.outboxHead} SET seq = $1`, [seq])
          return fresh.length
        },
        { attempts: WRITE_ATTEMPTS },
      )
    },
    async consentStates(purposeId, customerIds) {
      if (customerIds.length === 0) return []
      const found = await query<ConsentStateDbRow>(
        `SELECT ${CONSENT_STATE_COLUMNS} FROM ${t.consentStates} WHERE purpose_id = $1 AND customer_id = ANY($2::text[])`,
        [purposeId, customerIds],
      )
      return found.map(toConsentState)
    },
    async *streamConsentStates(purposeId, options = {}) {
      const size = pageSizeOf(options.pageSize)
      const since = options.sinceChange ?? -1
      let after = ''
      for (;;) {
        const page = await query<ConsentStateDbRow>(
          `SELECT ${CONSENT_STATE_COLUMNS} FROM ${t.consentStates}
           WHERE purpose_id = $1 AND customer_id > $2 AND change_seq > $3 ORDER BY customer_id LIMIT $4`,
          [purposeId, after, since, size],
        )
        if (page.length === 0) return
        after = page.at(-1)!.customer_id
        yield page.map(toConsentState)
        if (page.length < size) return
      }
    },
    async consentStateMark() {
      const [row] = await query<{ seq: string }>(`SELECT seq FROM ${t.outboxHead}`)
      return Number(row?.seq ?? 0)
    },
    async dueConsentStates({ now, voided, limit }) {
      const found = await query<ConsentStateDbRow>(
        `SELECT ${CONSENT_STATE_COLUMNS} FROM ${t.consentStates}
         WHERE effective_state = 'granted' AND expires_at IS NOT NULL AND expires_at <= $1
         ORDER BY expires_at LIMIT $2`,
        [now, limit],
      )
      for (const v of voided) {
        if (found.length >= limit || (v.versions !== null && v.versions.length === 0)) continue
        const more = await query<ConsentStateDbRow>(
          `SELECT ${CONSENT_STATE_COLUMNS} FROM ${t.consentStates}
           WHERE purpose_id = $1 AND effective_state = 'granted'
             AND ($2::text[] IS NULL OR notice_version = ANY($2::text[]))
           LIMIT $3`,
          [v.purposeId, v.versions, limit - found.length],
        )
        const seen = new Set(found.map((r) => `${r.purpose_id}\u0000${r.customer_id}`))
        for (const r of more) if (!seen.has(`${r.purpose_id}\u0000${r.customer_id}`)) found.push(r)
      }
      return found.slice(0, limit).map(toConsentState)
    },
    async applyEffectiveChanges(changes) {
      if (changes.length === 0) return 0
      return transaction(
        async (client) => {
          // The rows first (as append_batch: state rows, then the head), skipping what another
          // instance holds: it is sweeping them, or an append is moving them on.
          const moved = await client.query<{ customer_id: string; purpose_id: string }>(
            `SELECT c.customer_id, c.purpose_id FROM ${t.consentStates} AS c
             JOIN unnest($1::text[], $2::text[], $3::bigint[]) AS w(customer_id, purpose_id, change_seq)
               ON c.customer_id = w.customer_id AND c.purpose_id = w.purpose_id AND c.change_seq = w.change_seq
             WHERE c.effective_state = 'granted'
             ORDER BY c.purpose_id, c.customer_id
             FOR UPDATE OF c SKIP LOCKED`,
            [
              changes.map((c) => c.customerId),
              changes.map((c) => c.purposeId),
              changes.map((c) => c.expectChangeSeq),
            ],
          )
          const due = new Set(moved.rows.map((r) => `${r.purpose_id}\u0000${r.customer_id}`))
          const todo = changes.filter((c) => due.has(`${c.purposeId}\u0000${c.customerId}`))
          if (todo.length === 0) return 0
          let seq = Number((await client.query<{ seq: string }>(head)).rows[0]!.seq)
          let applied = 0
          for (const c of todo) {
            const done = await client.query(
              `INSERT INTO ${t.outbox} (${OUTBOX_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
               ON CONFLICT (id) DO NOTHING`,
              eventValues(seq + 1, c.event),
            )
            if (done.rowCount === 0) continue
            seq++
            await client.query(
              `UPDATE ${t.consentStates} SET effective_state = $1, change_seq = $2
               WHERE purpose_id = $3 AND customer_id = $4`,
              [c.effectiveState, seq, c.purposeId, c.customerId],
            )
            applied++
          }
          await client.query(`UPDATE ${t.outboxHead} SET seq = $1`, [seq])
          return applied
        },
        { attempts: WRITE_ATTEMPTS },
      )
    },
  }
}
