import {
  type NoticeVersion,
  noticeTextHash,
  type PurposeRecord,
  type PurposeStatus,
} from '@consent-sync/consent-core'
import type { CatalogConflict } from './catalog-store'

/**
 * What both adapters decide about a catalog write, as pure functions of what the write's
 * transaction read (as append-rules.ts does for appends): the conformance suite holds both to the
 * same answers.
 */

/** A version that is not what it says is a bug of the caller: thrown before anything is written. */
export function checkVersion(v: NoticeVersion): void {
  const at = `notice version ${v.purposeId}@${v.version}`
  if (typeof v.material !== 'boolean') throw new TypeError(`${at}: material is not a boolean`)
  if (v.lifetimeDays !== undefined && !(Number.isInteger(v.lifetimeDays) && v.lifetimeDays > 0)) {
    throw new RangeError(`${at}: lifetimeDays is not a whole number of days`)
  }
  // Decisions record this hash; stored beside other texts it would vouch for the wrong notice.
  if (v.textHash !== noticeTextHash(v.purposeId, v.version, v)) {
    throw new Error(`${at}: textHash is not the hash of its texts`)
  }
}

export function checkCreate(purpose: PurposeRecord, first: NoticeVersion): void {
  if (first.purposeId !== purpose.id) {
    throw new Error(`purpose ${purpose.id}: its first version is of ${first.purposeId}`)
  }
  checkVersion(first)
}

/** `status` is the stored purpose's, undefined when there is none. */
export function createConflict(status: PurposeStatus | undefined): CatalogConflict | undefined {
  return status === undefined ? undefined : 'purpose-exists'
}

export function publishConflict(
  status: PurposeStatus | undefined,
  versionExists: boolean,
): CatalogConflict | undefined {
  if (status === undefined) return 'unknown-purpose'
  if (status === 'retired') return 'purpose-retired'
  return versionExists ? 'version-exists' : undefined
}

export function statusConflict(
  status: PurposeStatus | undefined,
  next: PurposeStatus,
): CatalogConflict | undefined {
  if (status === undefined) return 'unknown-purpose'
  if (status === next) return next === 'retired' ? 'already-retired' : 'already-active'
  return undefined
}
