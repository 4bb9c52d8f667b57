/** The events the server sends (DESIGN.md §12 "Downstream"); more types may be added. */
export type WebhookEventType = 'decision.accepted' | 'consent.changed' | 'catalog.published'

/** `data` of `decision.accepted` and `consent.changed`. Shapes may grow fields. */
export interface ConsentEventData {
  customerId: string
  purposeId: string
  state: 'granted' | 'withdrawn'
  /** What a downstream system acts on: withdrawn also when expired, voided or retired. */
  effectiveState: 'granted' | 'withdrawn'
  previousState: 'granted' | 'withdrawn' | 'unknown' | null
  conflicted: boolean
  decisionId?: string
  channel?: string
  noticeVersion?: string
  /** The store-wide order of the change. */
  seq: number
}

export interface ConsentWebhookEvent {
  /** The `webhook-id`: stable across retries and replays of the same event. */
  id: string
  type: 'decision.accepted' | 'consent.changed'
  /** When the event happened (ISO 8601). */
  timestamp: string
  data: ConsentEventData
}

export interface OtherWebhookEvent {
  id: string
  type: Exclude<WebhookEventType, ConsentWebhookEvent['type']> | (string & {})
  timestamp: string
  data: Record<string, unknown>
}

export type WebhookEvent = ConsentWebhookEvent | OtherWebhookEvent

/** Narrows an event to one that carries a customer's consent for a purpose. */
export function isConsentEvent(event: WebhookEvent): event is ConsentWebhookEvent {
  return event.type === 'decision.accepted' || event.type === 'consent.changed'
}
