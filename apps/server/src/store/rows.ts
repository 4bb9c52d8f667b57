import { type AuditEntry, type ChainHead, GENESIS, type UserRole } from '@consent-sync/consent-core'
import { digitsOf, reversedDigits } from '../directory/search-keys'
import { InvalidCursorError } from './audit-log'
import type { CustomerRecord, UpsertCounts, UserRecord, UserSeed } from './directory'
import type { StoredDocument, StoredUpdate } from './document-log'

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
  /** NULL for entries made before the catalog gave notice hashes. */
  notice_hash: string | null
  evidence: string | null
  device_at: string
  received_at: string
  connection_id: string
  update_hash: string
  prev_hash: string
  hash: string
}

/** A document's row: its last update seq, its chain head, its latest snapshot. */
export interface DocumentRow {
  update_seq: number
  audit_seq: number
  audit_head: string
  snapshot?: Buffer | null
  snapshot_seq?: number
}

export interface UserRow {
  username: string
  id: string
  role: string
  name: string
  customer_id: string | null
  password_hash: string
  demo: boolean | number
  disabled: boolean | number
  /** NULL for accounts stored before it was kept. */
  created_at: string | null
}

export interface CustomerRow {
  id: string
  name: string
  phone: string
  email: string | null
  account_number: string | null
}

// The columns both adapters' statements name, in one order; the SQL around them is each dialect's.

/** The columns of an audit entry, in `AuditEntry` order; the table adds the `id` that cursors page by. */
export const AUDIT_ENTRY_COLUMNS = `customer_id, seq, purpose_id, decision_id, decision, previous_state, new_state,
  conflicted, actor_id, actor_role, channel, notice_version, notice_hash, evidence, device_at, received_at,
  connection_id, update_hash, prev_hash, hash`

export const AUDIT_COLUMNS = `id, ${AUDIT_ENTRY_COLUMNS}`

export const UPDATE_COLUMNS = 'customer_id, seq, data, received_at, connection_id, user_id, user_role, hash'

/** What a customer reads back as. */
export const CUSTOMER_COLUMNS = 'id, name, phone, email, account_number'

/** What a customer write stores, in `customerValues` order: the record and its search keys. */
export const CUSTOMER_WRITE_COLUMNS = 'id, name, phone, email, account_number, phone_digits, phone_reversed'

export const USER_COLUMNS = 'username, id, role, name, customer_id, password_hash, demo, disabled, created_at'

/**
 * The SET of an account upsert (`ON CONFLICT (username) DO UPDATE SET …`), from the inserted row;
 * the account keeps the time it was first stored.
 */
export const USER_UPSERT = `id = excluded.id, role = excluded.role, name = excluded.name,
  customer_id = excluded.customer_id, password_hash = excluded.password_hash, demo = excluded.demo,
  disabled = excluded.disabled, created_at = COALESCE(users.created_at, excluded.created_at)`

// Columns hold only what `append` wrote from typed objects, so the casts restore the stored types.
// `noticeHash` is there only when it was appended: an entry hashed without it must read back without it.
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
    ...(typeof r.notice_hash === 'string' ? { noticeHash: r.notice_hash } : {}),
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
    disabled: r.disabled === true || r.disabled === 1,
  }
  if (r.customer_id !== null) user.customerId = r.customer_id
  if (r.created_at !== null) user.createdAt = r.created_at
  return user
}

/** An account in USER_COLUMNS order; `bool` is each dialect's boolean (SQLite 0/1). */
export function userValues<B>(u: UserSeed, now: string, bool: (b: boolean) => B): unknown[] {
  return [
    u.username,
    u.id,
    u.role,
    u.name,
    u.customerId ?? null,
    u.passwordHash,
    bool(u.demo),
    bool(u.disabled ?? false),
    u.createdAt ?? now,
  ]
}

/** A stored customer, its optional fields there only when stored. */
export function toCustomer(r: CustomerRow): CustomerRecord {
  const c: CustomerRecord = { id: r.id, name: r.name, phone: r.phone }
  if (r.email !== null) c.email = r.email
  if (r.account_number !== null) c.accountNumber = r.account_number
  return c
}

/** A customer in CUSTOMER_WRITE_COLUMNS order. */
export function customerValues(c: CustomerRecord): unknown[] {
  return [
    c.id,
    c.name,
    c.phone,
    c.email ?? null,
    c.accountNumber ?? null,
    digitsOf(c.phone),
    reversedDigits(c.phone),
  ]
}

/** What an upsert of `batch` changes, given the rows already stored under its ids. */
export interface CustomerChanges {
  inserts: CustomerRecord[]
  /** Changed customers; `formerName` when the name (and so its indexed words) changed. */
  updates: { customer: CustomerRecord; formerName?: string }[]
  unchanged: number
}

export function customerChanges(
  batch: readonly CustomerRecord[],
  stored: (id: string) => CustomerRow | undefined,
): CustomerChanges {
  const changes: CustomerChanges = { inserts: [], updates: [], unchanged: 0 }
  const seen = new Set<string>()
  for (const c of batch) {
    // A caller's bug (the validators refuse it): which of the two to keep would be a guess.
    if (seen.has(c.id)) throw new RangeError(`customer ${c.id} appears twice in one upsert`)
    seen.add(c.id)
    const row = stored(c.id)
    if (!row) changes.inserts.push(c)
    else if (
      row.name === c.name &&
      row.phone === c.phone &&
      row.email === (c.email ?? null) &&
      row.account_number === (c.accountNumber ?? null)
    )
      changes.unchanged++
    else changes.updates.push(row.name === c.name ? { customer: c } : { customer: c, formerName: row.name })
  }
  return changes
}

export function countsOf(changes: CustomerChanges): UpsertCounts {
  return { inserted: changes.inserts.length, updated: changes.updates.length, unchanged: changes.unchanged }
}

export function addCounts(a: UpsertCounts, b: UpsertCounts): UpsertCounts {
  return {
    inserted: a.inserted + b.inserted,
    updated: a.updated + b.updated,
    unchanged: a.unchanged + b.unchanged,
  }
}

/**
 * Exactly the fields of an AuditEntry, `evidence` null when absent, `noticeHash` only when present:
 * what was hashed must be what the columns hold, or a stored entry would no longer verify when
 * read back.
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
    ...(r.noticeHash !== undefined ? { noticeHash: r.noticeHash } : {}),
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

/** The chain head a document row records (GENESIS without a row). */
export function chainHeadOf(row: DocumentRow | undefined): ChainHead {
  return row ? { seq: row.audit_seq, hash: row.audit_head } : GENESIS
}

/** A document as loaded: its row (if any) and the updates after its snapshot, read in one transaction. */
export function storedDocument(
  customerId: string,
  row: DocumentRow | undefined,
  tail: readonly UpdateRow[],
): StoredDocument {
  return {
    customerId,
    snapshot: row?.snapshot ? new Uint8Array(row.snapshot) : null,
    snapshotSeq: row?.snapshot_seq ?? 0,
    tail: tail.map(toUpdate),
    head: chainHeadOf(row),
  }
}

/**
 * Whether a snapshot up to `uptoSeq` is to be written over the document's current one (a newer one
 * may have been stored meanwhile: it is kept); throws for a seq the log does not hold.
 */
export function replacesSnapshot(customerId: string, uptoSeq: number, row: DocumentRow | undefined): boolean {
  if (!Number.isInteger(uptoSeq) || uptoSeq < 1 || !row || uptoSeq > row.update_seq) {
    throw new RangeError(`snapshot of ${customerId} up to seq ${uptoSeq}: no such update`)
  }
  return uptoSeq >= (row.snapshot_seq ?? 0)
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
