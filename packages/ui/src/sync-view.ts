/**
 * What the components show of a replica's sync state: plain data, as a sync client's store holds it
 * (`@consent-sync/sync-client`'s `ConsentState` fits these shapes), so this package needs no sync client.
 */

/** The connection and the changes not yet durable on the server. */
export type SyncStatus = 'offline' | 'connecting' | 'syncing' | 'saved'

/** Why the server refused this device's changes, with what the person can do about it. */
export interface SyncProblem {
  /** The close code (4422 a rule broken, 4401 the sign-in expired, …). */
  code: number
  /** For 4422: the rule broken; otherwise a short kind. */
  reason: string
  /** In English, for a person. */
  message: string
}

/** Someone with the record open (the signed-in user's own connections are `self`). */
export interface PresenceEntry {
  user: { id: string; role: string; name: string }
  editing: boolean
  self: boolean
}
