/** One live feed event, the shape of the original 'csr-dashboard' room (DESIGN.md §7, contract). */
export interface ConsentUpdatedEvent {
  type: 'consent-updated'
  consent: {
    customerId: string
    purposeId: string
    state: string
    previousState: string
    conflicted: boolean
    decisionId: string
    channel: string
    noticeVersion: string
  }
  /** The server's receive time. */
  timestamp: string
  updatedBy: { userId: string; userType: string; userName: string }
}

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
