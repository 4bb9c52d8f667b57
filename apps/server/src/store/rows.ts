import { type AuditEntry, type ChainHead, entryHash, type UserRole } from '@consent-sync/consent-core'
import { type AppendRequest, InvalidCursorError, type StoredUpdate, type UserRecord } from './types'

/** What both adapters' tables hold; SQLite has no booleans (0/1), PostgreSQL returns BIGINT as text. */
export interface UpdateRow {
  customer_id: string
  seq: number
  data: Buffer
  received_at: string
  connection_id: string
  user_id: string
  user_role: string
  hash: string
}

export interface AuditRow {
  id: number | string
  customer_id: string
  seq: number
  purpose_id: string
  decision_id: string
  decision: string
  previous_state: string
  new_state: string
  conflicted: boolean | number
  actor_id: string
  actor_role: string
  channel: string
  notice_version: string
  evidence: string | null
  device_at: string
  received_at: string
  connection_id: string
  update_hash: string
  prev_hash: string
  hash: string
}

export interface UserRow {
  username: string
  id: string
  role: string
  name: string
  customer_id: string | null
  password_hash: string
  demo: boolean | number
}

// Columns hold only what `append` wrote from typed objects, so the casts restore the stored types.
export function toEntry(r: AuditRow): AuditEntry {
  return {
    customerId: r.customer_id,
    purposeId: r.purpose_id,
    decisionId: r.decision_id,
    decision: r.decision as AuditEntry['decision'],
    previousState: r.previous_state as AuditEntry['previousState'],
    newState: r.new_state as AuditEntry['newState'],
    conflicted: r.conflicted === true || r.conflicted === 1,
    actorId: r.actor_id,
    actorRole: r.actor_role as UserRole,
    channel: r.channel as AuditEntry['channel'],
    noticeVersion: r.notice_version,
    evidence: r.evidence,
    deviceAt: r.device_at,
    receivedAt: r.received_at,
    connectionId: r.connection_id,
    updateHash: r.update_hash,
    seq: r.seq,
    prevHash: r.prev_hash,
    hash: r.hash,
  }
}

export function toUpdate(r: UpdateRow): StoredUpdate {
  return {
    customerId: r.customer_id,
    seq: r.seq,
    // A plain Uint8Array (not a Buffer view into a shared pool), as it was appended.
    update: new Uint8Array(r.data),
    receivedAt: r.received_at,
    connectionId: r.connection_id,
    userId: r.user_id,
    userRole: r.user_role as UserRole,
    hash: r.hash,
  }
}

export function toUser(r: UserRow): UserRecord {
  const user: UserRecord = {
    username: r.username,
    id: r.id,
    role: r.role as UserRole,
    name: r.name,
    passwordHash: r.password_hash,
    demo: r.demo === true || r.demo === 1,
  }
  if (r.customer_id !== null) user.customerId = r.customer_id
  return user
}

/**
 * Exactly the fields of an AuditEntry, `evidence` null when absent: what was hashed must be what
 * the columns hold, or a stored entry would no longer verify when read back.
 */
export function exactEntry(r: AuditEntry): AuditEntry {
  return {
    customerId: r.customerId,
    purposeId: r.purposeId,
    decisionId: r.decisionId,
    decision: r.decision,
    previousState: r.previousState,
    newState: r.newState,
    conflicted: r.conflicted,
    actorId: r.actorId,
    actorRole: r.actorRole,
    channel: r.channel,
    noticeVersion: r.noticeVersion,
    evidence: r.evidence ?? null,
    deviceAt: r.deviceAt,
    receivedAt: r.receivedAt,
    connectionId: r.connectionId,
    updateHash: r.updateHash,
    seq: r.seq,
    prevHash: r.prevHash,
    hash: r.hash,
  }
}

/**
 * Broken requests are bugs of the caller: refused before anything of them is written. Its entries
 * are one customer's, chain onto each other, and each hashes to its `hash` as the columns will hold it.
 */
export function checkRequest({ customerId, update, entries }: AppendRequest): void {
  if (!(update instanceof Uint8Array)) throw new TypeError(`append for ${customerId}: update is not bytes`)
  for (const [i, e] of entries.entries()) {
    const at = `append for ${customerId}: audit entry of decision ${e.decisionId}`
    if (e.customerId !== customerId) throw new Error(`${at} names ${e.customerId}`)
    const prev = entries[i - 1]
    if (prev && (e.seq !== prev.seq + 1 || e.prevHash !== prev.hash)) {
      throw new Error(`${at} does not chain onto the entry before it`)
    }
    if (entryHash(exactEntry(e)) !== e.hash) throw new Error(`${at} does not hash to its hash`)
  }
}

/** Whether a request's entries continue the chain whose stored head is `head` (consent-core SPEC 5.2). */
export function continuesChain(head: ChainHead, entries: readonly AuditEntry[]): boolean {
  const first = entries[0]
  return first === undefined || (first.seq === head.seq + 1 && first.prevHash === head.hash)
}

/** The chain head once `entries` are stored after `head`. */
export function headAfter(head: ChainHead, entries: readonly AuditEntry[]): ChainHead {
  const last = entries.at(-1)
  return last ? { seq: last.seq, hash: last.hash } : head
}

/** The audit id, opaque to clients; the same format in every adapter. */
export function encodeCursor(id: number): string {
  return Buffer.from(String(id)).toString('base64url')
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString()
  if (!/^[1-9][0-9]{0,15}$/.test(text) || encodeCursor(Number(text)) !== cursor) {
    throw new InvalidCursorError(`not a cursor this store issued: ${cursor.slice(0, 40)}`)
  }
  return Number(text)
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`)
}

export function digitsOf(s: string): string {
  return s.replace(/\D/g, '')
}
