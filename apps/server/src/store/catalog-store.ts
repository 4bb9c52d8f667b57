import type { NoticeVersion, PurposeRecord, PurposeStatus } from '@consent-sync/consent-core'

/** One entry of the admin audit log: who changed the catalog (or, later, accounts), when, what. */
export interface AdminRecord {
  /** `purpose.create`, `version.publish`, `purpose.retire`, … */
  action: string
  /** What it acted on: `purpose:<id>`, `version:<purposeId>@<version>`. */
  target: string
  actorId: string
  actorRole: string
  /** The server's time of the change. */
  at: string
  /**
   * What changed, as JSON (the published version's hash and flags, the new status, …); kept as
   * JSON gives it back (a Date becomes its ISO string, an undefined disappears).
   */
  details: Record<string, unknown>
}

/** An admin record in the one admin hash chain (seq from 1, `prevHash`, `hash` as in SPEC §5). */
export interface AdminEntry extends AdminRecord {
  seq: number
  prevHash: string
  hash: string
}

/** Why a catalog write was refused; nothing of it was stored, and the admin log did not move. */
export type CatalogConflict =
  /** `createPurpose` of an id the catalog holds. */
  | 'purpose-exists'
  /** `publishVersion` or `setPurposeStatus` of an id the catalog does not hold. */
  | 'unknown-purpose'
  /** `publishVersion` of a version already published, even with the same texts: versions are immutable. */
  | 'version-exists'
  /** `publishVersion` for a retired purpose (re-activate it first). */
  | 'purpose-retired'
  /** `setPurposeStatus(…, 'retired')` of a retired purpose. */
  | 'already-retired'
  /** `setPurposeStatus(…, 'active')` of an active purpose (re-activating a retired one is allowed). */
  | 'already-active'

/** A stored write answers with its admin entry exactly as `adminLog` will read it back. */
export type CatalogWrite = { ok: true; entry: AdminEntry } | { ok: false; conflict: CatalogConflict }

/**
 * The purpose catalog kept as data (consent-core SPEC 1.6) and the admin audit log. Published
 * versions are immutable: no call changes or removes one. Each write stores its change and its
 * admin entry in one transaction, chained onto the admin log's head (read inside it, so two
 * instances publishing at once both land, one after the other; audit/admin-chain.ts). Texts are
 * read back exactly as given. A version whose `textHash` is not `noticeTextHash` of its texts, or
 * a first version of another purpose, is a caller's bug and throws, storing nothing.
 */
export interface CatalogStore {
  /** Every purpose (retired ones too), in creation order. */
  listPurposes(): Promise<PurposeRecord[]>
  /** Every published version of every purpose (or of one), newest (last published) first. */
  listVersions(purposeId?: string): Promise<NoticeVersion[]>
  getVersion(purposeId: string, version: string): Promise<NoticeVersion | undefined>
  /** A new purpose with its first version. */
  createPurpose(purpose: PurposeRecord, first: NoticeVersion, admin: AdminRecord): Promise<CatalogWrite>
  /** A new version of an active purpose. */
  publishVersion(version: NoticeVersion, admin: AdminRecord): Promise<CatalogWrite>
  /** Retires a purpose, or re-activates a retired one; its versions stay as they are. */
  setPurposeStatus(purposeId: string, status: PurposeStatus, admin: AdminRecord): Promise<CatalogWrite>
  /** The admin log, oldest first (after `afterSeq` when given). */
  adminLog(afterSeq?: number): Promise<AdminEntry[]>
  /** Chains a record of something done that changed nothing stored (a customer's data exported). */
  recordAdmin(admin: AdminRecord): Promise<AdminEntry>
}
