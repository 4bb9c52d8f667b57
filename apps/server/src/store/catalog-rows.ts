import type { DecisionState, NoticeVersion, PurposeRecord, PurposeStatus } from '@consent-sync/consent-core'
import type { AdminEntry } from './catalog-store'

/**
 * The catalog's and the admin log's rows in both adapters. Titles, notices and details are JSON
 * text: read back exactly as written, whatever the script (Sinhala, Tamil) or the characters.
 */

export interface PurposeRow {
  id: string
  default_state: string
  status: string
  created_at: string
}

export interface VersionRow {
  purpose_id: string
  version: string
  title: string
  notice: string
  text_hash: string
  material: boolean | number
  lifetime_days: number | null
  reconsent: string | null
  published_at: string
  published_by: string
}

export interface AdminRow {
  seq: number
  action: string
  target: string
  actor_id: string
  actor_role: string
  at: string
  details: string
  prev_hash: string
  hash: string
}

export const PURPOSE_COLUMNS = 'id, default_state, status, created_at'

/** The columns a version is read from; it is written with `published_seq` after them. */
export const VERSION_COLUMNS = `purpose_id, version, title, notice, text_hash, material, lifetime_days,
  reconsent, published_at, published_by`

export const ADMIN_COLUMNS = 'seq, action, target, actor_id, actor_role, at, details, prev_hash, hash'

/** The purpose's row in PURPOSE_COLUMNS order, then its `created_seq`. */
export function purposeValues(p: PurposeRecord, createdSeq: number): unknown[] {
  return [p.id, p.default, p.status, p.createdAt, createdSeq]
}

/**
 * The version's row in VERSION_COLUMNS order, then its `published_seq`; `bool` gives the dialect's
 * boolean (SQLite has none).
 */
export function versionValues(
  v: NoticeVersion,
  publishedSeq: number,
  bool: (b: boolean) => boolean | number,
): unknown[] {
  return [
    v.purposeId,
    v.version,
    JSON.stringify(v.title),
    JSON.stringify(v.notice),
    v.textHash,
    bool(v.material),
    v.lifetimeDays ?? null,
    v.reconsent ?? null,
    v.publishedAt,
    v.publishedBy,
    publishedSeq,
  ]
}

/** The entry's row in ADMIN_COLUMNS order. */
export function adminValues(e: AdminEntry): unknown[] {
  return [
    e.seq,
    e.action,
    e.target,
    e.actorId,
    e.actorRole,
    e.at,
    JSON.stringify(e.details),
    e.prevHash,
    e.hash,
  ]
}

// Columns hold only what the writes stored from typed objects, so the casts restore the stored types.
export function toPurpose(r: PurposeRow): PurposeRecord {
  return {
    id: r.id,
    default: r.default_state as DecisionState,
    status: r.status as PurposeStatus,
    createdAt: r.created_at,
  }
}

/** The version as published: its optional fields there only when they were given. */
export function toVersion(r: VersionRow): NoticeVersion {
  return {
    purposeId: r.purpose_id,
    version: r.version,
    title: JSON.parse(r.title) as NoticeVersion['title'],
    notice: JSON.parse(r.notice) as NoticeVersion['notice'],
    textHash: r.text_hash,
    material: r.material === true || r.material === 1,
    ...(r.lifetime_days !== null ? { lifetimeDays: r.lifetime_days } : {}),
    ...(r.reconsent !== null ? { reconsent: r.reconsent as NonNullable<NoticeVersion['reconsent']> } : {}),
    publishedAt: r.published_at,
    publishedBy: r.published_by,
  }
}

export function toAdminEntry(r: AdminRow): AdminEntry {
  return {
    action: r.action,
    target: r.target,
    actorId: r.actor_id,
    actorRole: r.actor_role,
    at: r.at,
    details: JSON.parse(r.details) as Record<string, unknown>,
    seq: r.seq,
    prevHash: r.prev_hash,
    hash: r.hash,
  }
}
