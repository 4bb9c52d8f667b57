import type { Decision } from '@consent-sync/consent-core'

/** The live documents of this instance, one room per customer (sync/room.ts). */
export interface Rooms {
  /** The customer's current decisions, loading the document from the store when needed. */
  readDecisions(customerId: string): Promise<Decision[]>
  loadedCount(): number
  connectionCount(): number
  /** Closes every connection of the user (an account disabled); returns how many were open. */
  closeUser(userId: string, code: number, reason: string): number
  /** Closes every connection with the given code and waits for pending commits. */
  shutdown(code: number, reason: string): Promise<void>
}
