import type { AdminEntry, AdminRecord } from './catalog-store'
import type { OutboxEventType } from './outbox'

/** An endpoint as stored: its secrets sealed (webhooks/secret-box.ts), never in clear. */
export interface WebhookEndpointRow {
  /** `whep_…`, chosen by the server. */
  id: string
  url: string
  events: OutboxEventType[]
  /** Only events about these purposes (absent: every purpose, and events about none). */
  purposeIds: string[] | null
  enabled: boolean
  /** Why a disabled endpoint is: `admin` (by PATCH) or `gone` (the receiver answered 410). */
  disabledReason: 'admin' | 'gone' | null
  /** The current secret, sealed. */
  secretSealed: string
  /** The rotated-out secret, sealed, signing beside the current one until `previousSecretUntil`. */
  previousSecretSealed: string | null
  previousSecretUntil: string | null
  createdAt: string
  updatedAt: string
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead'

/** An event bound for one endpoint: made from the outbox when the endpoint's cursor passes it. */
export interface NewDelivery {
  eventId: string
  /** The event's outbox seq: a customer's deliveries go in this order. */
  seq: number
  eventType: OutboxEventType
  /** Deliveries of one key go one at a time, in seq order: the customer, or the event for none. */
  orderKey: string
  /** The event's time (RFC 3339): `replay {since}` compares with it. */
  createdAt: string
  /** The body, as signed and sent at every attempt. */
  payload: string
  /** When the first attempt is due (ms since the epoch). */
  dueAtMs: number
}

export interface WebhookDelivery extends NewDelivery {
  endpointId: string
  status: DeliveryStatus
  attempts: number
  /** Who holds it while it is attempted, and until when (ms). */
  leaseOwner: string | null
  leaseUntilMs: number | null
  lastAttemptAt: string | null
  /** The receiver's answer to the last attempt (absent: none, e.g. a timeout). */
  lastStatus: number | null
  lastError: string | null
  deliveredAt: string | null
}

/** What one attempt came to, as the engine records it. */
export interface AttemptRecord {
  endpointId: string
  eventId: string
  /** The lease the attempt ran under: a result for a lease another instance took over is dropped. */
  leaseOwner: string
  /** The attempt number (attempts before it + 1). */
  attempt: number
  at: string
  status: number | null
  error: string | null
  /** `delivered`; `retry` at `nextAtMs`; `dead`; `held` (the endpoint is gone: no more attempts, kept pending). */
  outcome: 'delivered' | 'retry' | 'dead' | 'held'
  nextAtMs?: number
}

export type ReplayWhich = { eventId: string } | { since: string }

/**
 * The webhook endpoints, each with its cursor over the outbox, and the deliveries made from it
 * (README "Webhooks"). Endpoint changes are stored with their admin entry in one transaction,
 * chained onto the one admin log as catalog and account changes are. A delivery is held by one
 * instance at a time (a lease with an expiry), so an instance that dies mid-attempt leaves it to
 * another once the lease runs out.
 */
export interface WebhookStore {
  listWebhookEndpoints(): Promise<WebhookEndpointRow[]>
  getWebhookEndpoint(id: string): Promise<WebhookEndpointRow | undefined>
  /**
   * Stores the endpoint (created, or every field but the cursor replaced) with its admin entry.
   * A new endpoint's cursor starts at `cursor`: it is sent the events after it.
   */
  saveWebhookEndpoint(endpoint: WebhookEndpointRow, admin: AdminRecord, cursor: number): Promise<AdminEntry>
  /** Removes the endpoint and its deliveries, with the admin entry; undefined when there was none. */
  deleteWebhookEndpoint(id: string, admin: AdminRecord): Promise<AdminEntry | undefined>
  /** The outbox seq the endpoint's deliveries have been made up to. */
  webhookCursor(endpointId: string): Promise<number | undefined>
  /**
   * Stores `deliveries` (those already stored are kept as they are) and moves the cursor from
   * `fromCursor` to `toCursor`, in one transaction; false, storing nothing, when the cursor is
   * not at `fromCursor` or another instance is moving it right now.
   */
  enqueueWebhookDeliveries(
    endpointId: string,
    fromCursor: number,
    toCursor: number,
    deliveries: readonly NewDelivery[],
  ): Promise<boolean>
  /**
   * Leases up to `limit` deliveries of an enabled endpoint that are due, not leased (or whose lease
   * ran out) and first of their order key among its pending ones, to `owner` until `leaseUntilMs`.
   */
  claimWebhookDeliveries(
    endpointId: string,
    claim: { nowMs: number; owner: string; leaseUntilMs: number; limit: number },
  ): Promise<WebhookDelivery[]>
  /** Records an attempt; false (nothing changed) when the lease is no longer the attempt's. */
  recordWebhookAttempt(attempt: AttemptRecord): Promise<boolean>
  /** Frees every lease (a single SQLite server at start: whoever held them is gone). */
  releaseWebhookLeases(): Promise<void>
  /**
   * Makes delivered or dead deliveries pending again, due at `nowMs`, with a fresh schedule: one
   * event's, or every one of the events since a time; with the admin entry. The count made pending.
   */
  replayWebhookDeliveries(
    endpointId: string,
    which: ReplayWhich,
    nowMs: number,
    admin: AdminRecord,
  ): Promise<{ count: number; entry: AdminEntry }>
  /** The endpoint's deliveries, newest event first. */
  listWebhookDeliveries(
    endpointId: string,
    filter: { status?: DeliveryStatus; limit: number },
  ): Promise<WebhookDelivery[]>
  /** Per endpoint with a pending delivery, the time of its oldest pending event. */
  webhookBacklog(): Promise<{ endpointId: string; oldestCreatedAt: string }[]>
}
