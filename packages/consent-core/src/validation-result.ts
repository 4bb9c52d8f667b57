import type { ActorRole, ConnectionUser, Decision } from './types'

/** Why an update was rejected (SPEC §2). The server closes with 4422 and this reason. */
export type RejectReason =
  | 'malformed'
  | 'pending'
  | 'unknown-root'
  | 'bad-shape'
  | 'unknown-field'
  | 'invalid-field'
  | 'delete-forbidden'
  | 'read-only'
  | 'actor-mismatch'
  | 'bad-channel'
  | 'unknown-purpose'
  | 'bad-supersedes'
  | 'duplicate-id'
  | 'evidence-not-allowed'
  | 'unknown-notice-version'
  | 'purpose-retired'
  | 'too-large'
  | 'document-full'

export interface Accepted {
  ok: true
  /** New decisions, in document order. */
  added: Decision[]
  /** Profile keys this update set, with their new values. */
  profile: Record<string, string>
  /** False when the update holds nothing the document lacks (a re-send): nothing to persist. */
  changed: boolean
  /** Encoded size of the document before the update, plus the update: an upper bound after. */
  documentBytes: number
}

export interface Rejected {
  ok: false
  reason: RejectReason
  detail: string
  /**
   * For `pending`: what the update waits for (the first missing clock of each client, or the
   * deletes of unknown items), the same for every update stuck on the same missing changes.
   */
  waitingFor?: string
}

export type ValidationResult = Accepted | Rejected

export function reject(reason: RejectReason, detail: string): Rejected {
  return { ok: false, reason, detail }
}

/** The decision role a connected user writes as; null when the user may only read (SPEC 2.6). */
export function writerRole(user: ConnectionUser): ActorRole | null {
  return user.role === 'customer' || user.role === 'csr' ? user.role : null
}
