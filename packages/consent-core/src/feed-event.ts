import type { AuditEntry } from './audit'

/**
 * One live feed event (`GET /api/feed`): the shape of the original 'csr-dashboard' room, kept so
 * existing listeners need no change (DESIGN.md §7, contract).
 */
export interface ConsentUpdatedEvent {
  type: 'consent-updated'
  consent: {
    customerId: string
    purposeId: string
    /** The folded state after the decision. */
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

export function feedEventOf(entry: AuditEntry, userName: string): ConsentUpdatedEvent {
  return {
    type: 'consent-updated',
    consent: {
      customerId: entry.customerId,
      purposeId: entry.purposeId,
      state: entry.newState,
      previousState: entry.previousState,
      conflicted: entry.conflicted,
      decisionId: entry.decisionId,
      channel: entry.channel,
      noticeVersion: entry.noticeVersion,
    },
    timestamp: entry.receivedAt,
    updatedBy: { userId: entry.actorId, userType: entry.actorRole, userName },
  }
}
