import type { AnalyticsStore } from './analytics-store'
import type { AuditLog } from './audit-log'
import type { CatalogStore } from './catalog-store'
import type { Directory } from './directory'
import type { DocumentLog } from './document-log'
import type { DownstreamStore } from './outbox'
import type { WebhookStore } from './webhook-store'

/** Why a store could not serve a call: it cannot be reached, the connection broke, or it did not answer in time. */
export type StoreUnavailableReason = 'connect' | 'lost' | 'timeout'

/**
 * Thrown by a store that cannot serve the call now: the database is unreachable, its connection
 * dropped, or it did not answer in time. Transient: the same call may succeed later. Whether a
 * write that failed this way was stored is unknown (a commit may have landed before the answer was
 * lost), so it is never acknowledged; a client resending it is safe (Yjs updates are idempotent).
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError'
  constructor(
    readonly reason: StoreUnavailableReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** Opening, checking and closing the database the other parts live in. */
export interface StoreLifecycle {
  readonly kind: 'sqlite' | 'postgres'
  /** Creates tables (idempotent). */
  migrate(): Promise<void>
  /** Throws when the store cannot be reached (readiness). */
  ping(): Promise<void>
  close(): Promise<void>
}

/**
 * Durable storage behind the server (DESIGN.md §8): one adapter implements every part in one
 * object, and each part of the server is handed only the part it uses. Every adapter passes every
 * conformance suite (store/conformance/) unchanged.
 */
export interface Store
  extends StoreLifecycle,
    DocumentLog,
    AuditLog,
    Directory,
    CatalogStore,
    DownstreamStore,
    WebhookStore,
    AnalyticsStore {}
