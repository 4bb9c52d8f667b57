import type { OutboxEventType } from './outbox'
import type { AttemptRecord, NewDelivery, WebhookDelivery, WebhookEndpointRow } from './webhook-store'

/** The webhook tables' columns and rows, shared by the SQLite and PostgreSQL adapters. */

export const ENDPOINT_COLUMNS =
  'id, url, events, purpose_ids, enabled, disabled_reason, secret_sealed, previous_secret_sealed, previous_secret_until, created_at, updated_at'

export const DELIVERY_COLUMNS =
  'endpoint_id, event_id, seq, event_type, order_key, created_at, payload, status, attempts, due_at_ms, lease_owner, lease_until_ms, last_attempt_at, last_status, last_error, delivered_at'

export interface EndpointRow {
  id: string
  url: string
  events: string
  purpose_ids: string | null
  enabled: number | boolean
  disabled_reason: 'admin' | 'gone' | null
  secret_sealed: string
  previous_secret_sealed: string | null
  previous_secret_until: string | null
  created_at: string
  updated_at: string
}

/** PostgreSQL's BIGINT comes back as a string; SQLite's INTEGER as a number. */
type Int = number | string

export interface DeliveryRow {
  endpoint_id: string
  event_id: string
  seq: Int
  event_type: OutboxEventType
  order_key: string
  created_at: string
  payload: string
  status: WebhookDelivery['status']
  attempts: Int
  due_at_ms: Int
  lease_owner: string | null
  lease_until_ms: Int | null
  last_attempt_at: string | null
  last_status: Int | null
  last_error: string | null
  delivered_at: string | null
}

/** The endpoint's values in ENDPOINT_COLUMNS order (booleans as the adapter binds them). */
export function endpointValues<B>(e: WebhookEndpointRow, bool: (b: boolean) => B): unknown[] {
  return [
    e.id,
    e.url,
    JSON.stringify(e.events),
    e.purposeIds === null ? null : JSON.stringify(e.purposeIds),
    bool(e.enabled),
    e.disabledReason,
    e.secretSealed,
    e.previousSecretSealed,
    e.previousSecretUntil,
    e.createdAt,
    e.updatedAt,
  ]
}

export function toEndpoint(r: EndpointRow): WebhookEndpointRow {
  return {
    id: r.id,
    url: r.url,
    events: JSON.parse(r.events) as OutboxEventType[],
    purposeIds: r.purpose_ids === null ? null : (JSON.parse(r.purpose_ids) as string[]),
    enabled: Boolean(r.enabled),
    disabledReason: r.disabled_reason,
    secretSealed: r.secret_sealed,
    previousSecretSealed: r.previous_secret_sealed,
    previousSecretUntil: r.previous_secret_until,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

/** A new delivery as the JSON record set both adapters insert from (pending, no attempt yet). */
export function newDeliveryRecord(endpointId: string, d: NewDelivery) {
  return {
    endpoint_id: endpointId,
    event_id: d.eventId,
    seq: d.seq,
    event_type: d.eventType,
    order_key: d.orderKey,
    created_at: d.createdAt,
    payload: d.payload,
    due_at_ms: d.dueAtMs,
  }
}

const num = (v: Int) => Number(v)
const numOrNull = (v: Int | null) => (v === null ? null : Number(v))

export function toDelivery(r: DeliveryRow): WebhookDelivery {
  return {
    endpointId: r.endpoint_id,
    eventId: r.event_id,
    seq: num(r.seq),
    eventType: r.event_type,
    orderKey: r.order_key,
    createdAt: r.created_at,
    payload: r.payload,
    dueAtMs: num(r.due_at_ms),
    status: r.status,
    attempts: num(r.attempts),
    leaseOwner: r.lease_owner,
    leaseUntilMs: numOrNull(r.lease_until_ms),
    lastAttemptAt: r.last_attempt_at,
    lastStatus: numOrNull(r.last_status),
    lastError: r.last_error,
    deliveredAt: r.delivered_at,
  }
}

/** The named parameters of an attempt's UPDATE (shared by both adapters' wording of it). */
export function recordParams(a: AttemptRecord) {
  return {
    endpoint_id: a.endpointId,
    event_id: a.eventId,
    owner: a.leaseOwner,
    attempt: a.attempt,
    at: a.at,
    status: a.status,
    error: a.error,
    next_status: a.outcome === 'delivered' ? 'delivered' : a.outcome === 'dead' ? 'dead' : 'pending',
    due_at_ms: a.nextAtMs ?? 0,
    delivered_at: a.outcome === 'delivered' ? a.at : null,
  }
}
