import { type ChainHead, GENESIS } from '@consent-sync/consent-core'
import type { PoolClient } from 'pg'
import { chainAdmin } from '../audit/admin-chain'
import * as catalogRows from './catalog-rows'
import type { AdminEntry, AdminRecord } from './catalog-store'
import type { openPool } from './postgres-pool'
import * as rows from './webhook-rows'
import type { WebhookStore } from './webhook-store'

type Pool = ReturnType<typeof openPool>

export interface WebhookTables {
  endpoints: string
  deliveries: string
  adminAudit: string
}

const params = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `$${i + from}`).join(', ')

/**
 * The webhook endpoints and deliveries on PostgreSQL, shared by every instance. Endpoint changes
 * take the admin log's advisory lock (postgres-catalog.ts) and chain their entry inside it. A
 * cursor moves under its endpoint row's lock, taken SKIP LOCKED: one instance makes an endpoint's
 * deliveries at a time, the others pass. Deliveries are leased `FOR UPDATE SKIP LOCKED`: two
 * instances claiming at once take different rows, and a lease that ran out is taken over.
 */
export function postgresWebhooks(
  { transaction, query }: Pool,
  t: WebhookTables,
  schema: string,
): WebhookStore {
  const adminLockKey = `consent-sync admin log ${schema}`
  const logged = async (client: PoolClient, admin: AdminRecord): Promise<AdminEntry> => {
    const { rows: heads } = await client.query<ChainHead>(
      `SELECT seq, hash FROM ${t.adminAudit} ORDER BY seq DESC LIMIT 1`,
    )
    const entry = chainAdmin(heads[0] ?? GENESIS, admin)
    await client.query(
      `INSERT INTO ${t.adminAudit} (${catalogRows.ADMIN_COLUMNS}) VALUES (${params(9)})`,
      catalogRows.adminValues(entry),
    )
    return entry
  }
  const adminWrite = <T>(work: (client: PoolClient) => Promise<T>) =>
    transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [adminLockKey])
      return work(client)
    })
  const bool = (b: boolean) => b
  const resetToPending = `status = 'pending', attempts = 0, due_at_ms = $1, lease_owner = NULL,
    lease_until_ms = NULL, delivered_at = NULL`

  return {
    async listWebhookEndpoints() {
      const found = await query<rows.EndpointRow>(
        `SELECT ${rows.ENDPOINT_COLUMNS} FROM ${t.endpoints} ORDER BY created_at, id`,
      )
      return found.map(rows.toEndpoint)
    },
    async getWebhookEndpoint(id) {
      const [row] = await query<rows.EndpointRow>(
        `SELECT ${rows.ENDPOINT_COLUMNS} FROM ${t.endpoints} WHERE id = $1`,
        [id],
      )
      return row ? rows.toEndpoint(row) : undefined
    },
    async webhookCursor(id) {
      const [row] = await query<{ cursor: string }>(`SELECT cursor FROM ${t.endpoints} WHERE id = $1`, [id])
      return row ? Number(row.cursor) : undefined
    },
    saveWebhookEndpoint: (endpoint, admin, cursor) =>
      adminWrite(async (client) => {
        await client.query(
          `INSERT INTO ${t.endpoints} (${rows.ENDPOINT_COLUMNS}, cursor) VALUES (${params(12)})
           ON CONFLICT (id) DO UPDATE SET url = excluded.url, events = excluded.events,
             purpose_ids = excluded.purpose_ids, enabled = excluded.enabled,
             disabled_reason = excluded.disabled_reason, secret_sealed = excluded.secret_sealed,
             previous_secret_sealed = excluded.previous_secret_sealed,
             previous_secret_until = excluded.previous_secret_until, updated_at = excluded.updated_at`,
          [...rows.endpointValues(endpoint, bool), cursor],
        )
        return logged(client, admin)
      }),
    deleteWebhookEndpoint: (id, admin) =>
      adminWrite(async (client) => {
        // The deliveries go with it (ON DELETE CASCADE).
        const { rowCount } = await client.query(`DELETE FROM ${t.endpoints} WHERE id = $1`, [id])
        return rowCount === 0 ? undefined : logged(client, admin)
      }),
    enqueueWebhookDeliveries: (endpointId, from, to, deliveries) =>
      transaction(async (client) => {
        const { rows: locked } = await client.query<{ cursor: string }>(
          `SELECT cursor FROM ${t.endpoints} WHERE id = $1 FOR UPDATE SKIP LOCKED`,
          [endpointId],
        )
        if (locked[0] === undefined || Number(locked[0].cursor) !== from) return false
        if (deliveries.length > 0) {
          await client.query(
            `INSERT INTO ${t.deliveries} (endpoint_id, event_id, seq, event_type, order_key, created_at,
               payload, status, due_at_ms)
             SELECT endpoint_id, event_id, seq, event_type, order_key, created_at, payload, 'pending', due_at_ms
             FROM jsonb_to_recordset($1::jsonb) AS x(endpoint_id text, event_id text, seq bigint,
               event_type text, order_key text, created_at text, payload text, due_at_ms bigint)
             ON CONFLICT (endpoint_id, event_id) DO NOTHING`,
            [JSON.stringify(deliveries.map((d) => rows.newDeliveryRecord(endpointId, d)))],
          )
        }
        await client.query(`UPDATE ${t.endpoints} SET cursor = $1 WHERE id = $2`, [to, endpointId])
        return true
      }),
    async claimWebhookDeliveries(endpointId, { nowMs, owner, leaseUntilMs, limit }) {
      const found = await query<rows.DeliveryRow>(
        `WITH due AS (
           SELECT d.endpoint_id, d.event_id FROM ${t.deliveries} d
           WHERE d.endpoint_id = $1 AND d.status = 'pending' AND d.due_at_ms <= $2
             AND (d.lease_until_ms IS NULL OR d.lease_until_ms < $2)
             AND EXISTS (SELECT 1 FROM ${t.endpoints} e WHERE e.id = d.endpoint_id AND e.enabled)
             AND NOT EXISTS (SELECT 1 FROM ${t.deliveries} p WHERE p.endpoint_id = d.endpoint_id
               AND p.order_key = d.order_key AND p.status = 'pending' AND p.seq < d.seq)
           ORDER BY d.seq LIMIT $3
           FOR UPDATE OF d SKIP LOCKED
         )
         UPDATE ${t.deliveries} d SET lease_owner = $4, lease_until_ms = $5
         FROM due WHERE d.endpoint_id = due.endpoint_id AND d.event_id = due.event_id
         RETURNING ${rows.DELIVERY_COLUMNS.split(', ')
           .map((c) => `d.${c}`)
           .join(', ')}`,
        [endpointId, nowMs, limit, owner, leaseUntilMs],
      )
      return found.map(rows.toDelivery).sort((a, b) => a.seq - b.seq)
    },
    async recordWebhookAttempt(attempt) {
      const p = rows.recordParams(attempt)
      const found = await query(
        `UPDATE ${t.deliveries} SET attempts = $1, last_attempt_at = $2, last_status = $3, last_error = $4,
           lease_owner = NULL, lease_until_ms = NULL, status = $5, due_at_ms = $6, delivered_at = $7
         WHERE endpoint_id = $8 AND event_id = $9 AND lease_owner = $10 AND attempts = $1 - 1
           AND status = 'pending'
         RETURNING 1`,
        [
          p.attempt,
          p.at,
          p.status,
          p.error,
          p.next_status,
          p.due_at_ms,
          p.delivered_at,
          p.endpoint_id,
          p.event_id,
          p.owner,
        ],
      )
      return found.length === 1
    },
    async releaseWebhookLeases() {
      await query(
        `UPDATE ${t.deliveries} SET lease_owner = NULL, lease_until_ms = NULL WHERE lease_owner IS NOT NULL`,
      )
    },
    replayWebhookDeliveries: (endpointId, which, nowMs, admin) =>
      adminWrite(async (client) => {
        const { rowCount } =
          'eventId' in which
            ? await client.query(
                `UPDATE ${t.deliveries} SET ${resetToPending}
                 WHERE endpoint_id = $2 AND event_id = $3 AND status <> 'pending'`,
                [nowMs, endpointId, which.eventId],
              )
            : await client.query(
                `UPDATE ${t.deliveries} SET ${resetToPending}
                 WHERE endpoint_id = $2 AND created_at >= $3 AND status <> 'pending'`,
                [nowMs, endpointId, which.since],
              )
        const count = rowCount ?? 0
        return { count, entry: await logged(client, { ...admin, details: { ...admin.details, count } }) }
      }),
    async listWebhookDeliveries(endpointId, { status, limit }) {
      const found =
        status === undefined
          ? await query<rows.DeliveryRow>(
              `SELECT ${rows.DELIVERY_COLUMNS} FROM ${t.deliveries} WHERE endpoint_id = $1 ORDER BY seq DESC LIMIT $2`,
              [endpointId, limit],
            )
          : await query<rows.DeliveryRow>(
              `SELECT ${rows.DELIVERY_COLUMNS} FROM ${t.deliveries} WHERE endpoint_id = $1 AND status = $2
               ORDER BY seq DESC LIMIT $3`,
              [endpointId, status, limit],
            )
      return found.map(rows.toDelivery)
    },
    async webhookBacklog() {
      const found = await query<{ endpoint_id: string; oldest: string }>(
        `SELECT endpoint_id, MIN(created_at) AS oldest FROM ${t.deliveries} WHERE status = 'pending'
         GROUP BY endpoint_id`,
      )
      return found.map((r) => ({ endpointId: r.endpoint_id, oldestCreatedAt: r.oldest }))
    },
  }
}
