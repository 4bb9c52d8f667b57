/** Events an endpoint may subscribe to (DESIGN.md §12 "Downstream"), in the order the form offers them. */
export const WEBHOOK_EVENTS = ['decision.accepted', 'consent.changed', 'catalog.published'] as const

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number]

/** A webhook endpoint as `GET /api/admin/webhooks` lists it (never its secret). */
export interface WebhookEndpoint {
  id: string
  url: string
  events: string[]
  purposeIds?: string[]
  enabled: boolean
  /** `admin`: an administrator turned it off; `gone`: the endpoint answered 410 Gone. */
  disabledReason?: 'admin' | 'gone'
  /** Until when the secret before the last rotation still signs beside the new one. */
  previousSecretUntil?: string
  createdAt: string
  updatedAt: string
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead'

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'dead']

/** One event's delivery to one endpoint (`GET /api/admin/webhooks/:id/deliveries`). */
export interface WebhookDelivery {
  eventId: string
  type: string
  status: DeliveryStatus
  attempts: number
  createdAt: string
  nextAttemptAt?: string
  lastAttemptAt?: string
  lastStatus?: number
  lastError?: string
  deliveredAt?: string
  /** The customer the event is about, when the event names one. */
  customerId?: string
}

/** `POST /api/admin/webhooks`. */
export interface NewWebhookBody {
  url: string
  events: WebhookEvent[]
  purposeIds?: string[]
}

/** The server's refusal of a webhook change: its message, and the request field it names. */
export interface WebhookRefusal {
  message: string
  field?: string | undefined
}

/** Whether an endpoint is sending, and if not, why, as people read it. */
export function endpointStatusText(e: Pick<WebhookEndpoint, 'enabled' | 'disabledReason'>): string {
  if (e.enabled) return 'Enabled'
  if (e.disabledReason === 'gone') return 'Disabled: the endpoint answered 410 Gone'
  return 'Disabled by an administrator'
}

const pad = (n: number) => String(Math.abs(n)).padStart(2, '0')

/**
 * A `datetime-local` value (`2026-12-02T15:30`, the browser's local time) as RFC 3339 with the
 * browser's offset at that instant (`2026-12-02T15:30:00+05:30`); null when it is not a time.
 */
export function localInputToRfc3339(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value)
  if (!m) return null
  const [, y, mo, d, h, mi, s = '00'] = m
  const local = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
  if (Number.isNaN(local.getTime())) return null
  // getTimezoneOffset is minutes behind UTC (Colombo: -330), so its sign is the offset's opposite.
  const offset = -local.getTimezoneOffset()
  const sign = offset >= 0 ? '+' : '-'
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`
}
