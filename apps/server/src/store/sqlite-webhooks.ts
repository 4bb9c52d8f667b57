import { type ChainHead, GENESIS } from '@consent-sync/consent-core'
import type Database from 'better-sqlite3'
import { chainAdmin } from '../audit/admin-chain'
import * as catalogRows from './catalog-rows'
import type { AdminEntry, AdminRecord } from './catalog-store'
import * as rows from './webhook-rows'
import type {
  AttemptRecord,
  NewDelivery,
  ReplayWhich,
  WebhookDelivery,
  WebhookEndpointRow,
  WebhookStore,
} from './webhook-store'

/** One webhook write as it crosses to the writer thread (structured clone: plain data only). */
export type WebhookOp =
  | { kind: 'save-endpoint'; endpoint: WebhookEndpointRow; admin: AdminRecord; cursor: number }
  | { kind: 'delete-endpoint'; id: string; admin: AdminRecord }
  | { kind: 'enqueue'; endpointId: string; from: number; to: number; deliveries: readonly NewDelivery[] }
  | {
      kind: 'claim'
      endpointId: string
      claim: { nowMs: number; owner: string; leaseUntilMs: number; limit: number }
    }
  | { kind: 'record'; attempt: AttemptRecord }
  | { kind: 'release' }
  | { kind: 'replay'; endpointId: string; which: ReplayWhich; nowMs: number; admin: AdminRecord }

/** What each op answers. */
export type WebhookReply =
  | AdminEntry
  | undefined
  | boolean
  | WebhookDelivery[]
  | null
  | { count: number; entry: AdminEntry }

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ')

/**
 * The webhook writes of the SQLite store, each one IMMEDIATE transaction, where the catalog writes
 * run (the writer thread, or inline); admin entries chain onto the head read inside it, as the
 * catalog's do (sqlite-catalog.ts). Prepared on first use.
 */
export function sqliteWebhookWrites(db: Database.Database): (op: WebhookOp) => WebhookReply {
  const prepare = () => ({
    head: db.prepare<[], ChainHead>('SELECT seq, hash FROM admin_audit ORDER BY seq DESC LIMIT 1'),
    insertAdmin: db.prepare(
      `INSERT INTO admin_audit (${catalogRows.ADMIN_COLUMNS}) VALUES (${placeholders(9)})`,
    ),
    upsertEndpoint: db.prepare(
      `INSERT INTO webhook_endpoints (${rows.ENDPOINT_COLUMNS}, cursor) VALUES (${placeholders(12)})
       ON CONFLICT (id) DO UPDATE SET url = excluded.url, events = excluded.events,
         purpose_ids = excluded.purpose_ids, enabled = excluded.enabled,
         disabled_reason = excluded.disabled_reason, secret_sealed = excluded.secret_sealed,
         previous_secret_sealed = excluded.previous_secret_sealed,
         previous_secret_until = excluded.previous_secret_until, updated_at = excluded.updated_at`,
    ),
    exists: db.prepare<[string], { found: number }>('SELECT 1 AS found FROM webhook_endpoints WHERE id = ?'),
    deleteEndpoint: db.prepare<[string]>('DELETE FROM webhook_endpoints WHERE id = ?'),
    deleteDeliveries: db.prepare<[string]>('DELETE FROM webhook_deliveries WHERE endpoint_id = ?'),
    cursor: db.prepare<[string], { cursor: number }>('SELECT cursor FROM webhook_endpoints WHERE id = ?'),
    setCursor: db.prepare<[number, string]>('UPDATE webhook_endpoints SET cursor = ? WHERE id = ?'),
    insertDelivery: db.prepare(
      `INSERT INTO webhook_deliveries (endpoint_id, event_id, seq, event_type, order_key, created_at, payload,
         status, due_at_ms)
       VALUES (@endpoint_id, @event_id, @seq, @event_type, @order_key, @created_at, @payload, 'pending', @due_at_ms)
       ON CONFLICT (endpoint_id, event_id) DO NOTHING`,
    ),
    due: db.prepare<[string, number, number, number], rows.DeliveryRow>(
      `SELECT ${rows.DELIVERY_COLUMNS} FROM webhook_deliveries d
       WHERE d.endpoint_id = ? AND d.status = 'pending' AND d.due_at_ms <= ?
         AND (d.lease_until_ms IS NULL OR d.lease_until_ms < ?)
         AND EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = d.endpoint_id AND e.enabled = 1)
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.endpoint_id = d.endpoint_id
           AND p.order_key = d.order_key AND p.status = 'pending' AND p.seq < d.seq)
       ORDER BY d.seq LIMIT ?`,
    ),
    lease: db.prepare<[string, number, string, string]>(
      'UPDATE webhook_deliveries SET lease_owner = ?, lease_until_ms = ? WHERE endpoint_id = ? AND event_id = ?',
    ),
    record: db.prepare(
      `UPDATE webhook_deliveries SET attempts = @attempt, last_attempt_at = @at, last_status = @status,
         last_error = @error, lease_owner = NULL, lease_until_ms = NULL, status = @next_status,
         due_at_ms = @due_at_ms, delivered_at = @delivered_at
       WHERE endpoint_id = @endpoint_id AND event_id = @event_id AND lease_owner = @owner
         AND attempts = @attempt - 1 AND status = 'pending'`,
    ),
    release: db.prepare('UPDATE webhook_deliveries SET lease_owner = NULL, lease_until_ms = NULL'),
    replayOne: db.prepare<[number, string, string]>(
      `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, due_at_ms = ?, lease_owner = NULL,
         lease_until_ms = NULL, delivered_at = NULL
       WHERE endpoint_id = ? AND event_id = ? AND status <> 'pending'`,
    ),
    replaySince: db.prepare<[number, string, string]>(
      `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, due_at_ms = ?, lease_owner = NULL,
         lease_until_ms = NULL, delivered_at = NULL
       WHERE endpoint_id = ? AND created_at >= ? AND status <> 'pending'`,
    ),
  })
  let prepared: ReturnType<typeof prepare> | null = null
  const s = () => {
    prepared ??= prepare()
    return prepared
  }
  const logged = (admin: AdminRecord): AdminEntry => {
    const entry = chainAdmin(s().head.get() ?? GENESIS, admin)
    s().insertAdmin.run(catalogRows.adminValues(entry))
    return entry
  }
  const bool = (b: boolean) => (b ? 1 : 0)

  const write = db.transaction((op: WebhookOp): WebhookReply => {
    switch (op.kind) {
      case 'save-endpoint':
        s().upsertEndpoint.run([...rows.endpointValues(op.endpoint, bool), op.cursor])
        return logged(op.admin)
      case 'delete-endpoint':
        if (!s().exists.get(op.id)) return undefined
        s().deleteDeliveries.run(op.id)
        s().deleteEndpoint.run(op.id)
        return logged(op.admin)
      case 'enqueue': {
        if (s().cursor.get(op.endpointId)?.cursor !== op.from) return false
        for (const d of op.deliveries) s().insertDelivery.run(rows.newDeliveryRecord(op.endpointId, d))
        s().setCursor.run(op.to, op.endpointId)
        return true
      }
      case 'claim': {
        const { nowMs, owner, leaseUntilMs, limit } = op.claim
        const found = s().due.all(op.endpointId, nowMs, nowMs, limit)
        for (const r of found) s().lease.run(owner, leaseUntilMs, r.endpoint_id, r.event_id)
        return found.map((r) => ({ ...rows.toDelivery(r), leaseOwner: owner, leaseUntilMs }))
      }
      case 'record':
        return s().record.run(rows.recordParams(op.attempt)).changes === 1
      case 'release':
        s().release.run()
        return null
      case 'replay': {
        const stmt = 'eventId' in op.which ? s().replayOne : s().replaySince
        const key = 'eventId' in op.which ? op.which.eventId : op.which.since
        const count = stmt.run(op.nowMs, op.endpointId, key).changes
        return { count, entry: logged({ ...op.admin, details: { ...op.admin.details, count } }) }
      }
    }
  })
  // IMMEDIATE takes the write lock up front, so the head read is the one this entry follows.
  return (op) => write.immediate(op)
}

/** The webhook reads of the SQLite store, on the store's own connection; prepared on first use. */
export function sqliteWebhookReads(
  db: Database.Database,
): Pick<
  WebhookStore,
  'listWebhookEndpoints' | 'getWebhookEndpoint' | 'webhookCursor' | 'listWebhookDeliveries' | 'webhookBacklog'
> {
  const prepare = () => ({
    list: db.prepare<[], rows.EndpointRow>(
      `SELECT ${rows.ENDPOINT_COLUMNS} FROM webhook_endpoints ORDER BY created_at, id`,
    ),
    get: db.prepare<[string], rows.EndpointRow>(
      `SELECT ${rows.ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = ?`,
    ),
    cursor: db.prepare<[string], { cursor: number }>('SELECT cursor FROM webhook_endpoints WHERE id = ?'),
    deliveries: db.prepare<[string, number], rows.DeliveryRow>(
      `SELECT ${rows.DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY seq DESC LIMIT ?`,
    ),
    deliveriesOf: db.prepare<[string, string, number], rows.DeliveryRow>(
      `SELECT ${rows.DELIVERY_COLUMNS} FROM webhook_deliveries WHERE endpoint_id = ? AND status = ?
       ORDER BY seq DESC LIMIT ?`,
    ),
    backlog: db.prepare<[], { endpoint_id: string; oldest: string }>(
      `SELECT endpoint_id, MIN(created_at) AS oldest FROM webhook_deliveries WHERE status = 'pending'
       GROUP BY endpoint_id`,
    ),
  })
  let prepared: ReturnType<typeof prepare> | null = null
  const s = () => {
    prepared ??= prepare()
    return prepared
  }
  return {
    listWebhookEndpoints: async () => s().list.all().map(rows.toEndpoint),
    getWebhookEndpoint: async (id) => {
      const row = s().get.get(id)
      return row ? rows.toEndpoint(row) : undefined
    },
    webhookCursor: async (id) => s().cursor.get(id)?.cursor,
    listWebhookDeliveries: async (endpointId, { status, limit }) =>
      (status === undefined
        ? s().deliveries.all(endpointId, limit)
        : s().deliveriesOf.all(endpointId, status, limit)
      ).map(rows.toDelivery),
    webhookBacklog: async () =>
      s()
        .backlog.all()
        .map((r) => ({ endpointId: r.endpoint_id, oldestCreatedAt: r.oldest })),
  }
}

/** The webhook writes as the store's methods, each posted as one op to where the writes run. */
export function webhookWriteMethods(
  write: (op: WebhookOp) => Promise<WebhookReply>,
): Omit<
  WebhookStore,
  'listWebhookEndpoints' | 'getWebhookEndpoint' | 'webhookCursor' | 'listWebhookDeliveries' | 'webhookBacklog'
> {
  return {
    saveWebhookEndpoint: async (endpoint, admin, cursor) =>
      (await write({ kind: 'save-endpoint', endpoint, admin, cursor })) as AdminEntry,
    deleteWebhookEndpoint: async (id, admin) =>
      (await write({ kind: 'delete-endpoint', id, admin })) as AdminEntry | undefined,
    enqueueWebhookDeliveries: async (endpointId, from, to, deliveries) =>
      (await write({ kind: 'enqueue', endpointId, from, to, deliveries })) as boolean,
    claimWebhookDeliveries: async (endpointId, claim) =>
      (await write({ kind: 'claim', endpointId, claim })) as WebhookDelivery[],
    recordWebhookAttempt: async (attempt) => (await write({ kind: 'record', attempt })) as boolean,
    releaseWebhookLeases: async () => void (await write({ kind: 'release' })),
    replayWebhookDeliveries: async (endpointId, which, nowMs, admin) =>
      (await write({ kind: 'replay', endpointId, which, nowMs, admin })) as {
        count: number
        entry: AdminEntry
      },
  }
}
