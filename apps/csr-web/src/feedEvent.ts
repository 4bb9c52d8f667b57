import type { ConsentUpdatedEvent } from '@consent-sync/consent-core'

export interface FeedItem {
  /** `customerId:seq` from the SSE id, else the decision id. */
  key: string
  event: ConsentUpdatedEvent
}

/** The event in `data`, or null for anything else (a future event type, a garbled line). */
export function parseFeedEvent(data: string): ConsentUpdatedEvent | null {
  try {
    const value = JSON.parse(data) as Partial<ConsentUpdatedEvent>
    if (value.type !== 'consent-updated' || !value.consent || !value.updatedBy) return null
    return value as ConsentUpdatedEvent
  } catch {
    return null
  }
}
