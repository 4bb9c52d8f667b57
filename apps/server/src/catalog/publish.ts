import {
  type DecisionState,
  LANGUAGES,
  type Language,
  missingLanguages,
  type NoticeTexts,
  type NoticeVersion,
  noticeTextHash,
  type Purpose,
  type ReconsentPolicy,
} from '@consent-sync/consent-core'
import type { AdminRecord, CatalogConflict, CatalogStore, CatalogWrite } from '../store/catalog-store'
import type { OutboxStore } from '../store/outbox'
import type { LiveCatalog } from './live-catalog'

/** A version as an admin drafts it: the server adds the hash, the time and who. */
export interface VersionDraft extends NoticeTexts {
  version: string
  material?: boolean
  lifetimeDays?: number
  reconsent?: ReconsentPolicy
}

export interface PurposeDraft extends VersionDraft {
  id: string
  default: DecisionState
}

/** Why a publish was refused, as the HTTP API and the CLI say it. Nothing was stored. */
export interface CatalogProblem {
  status: 400 | 404 | 409
  error: string
  message: string
  field?: string
}

export type CatalogOutcome = { ok: true; purpose: Purpose } | { ok: false; problem: CatalogProblem }

export interface Publisher {
  /** The catalog, and the outbox that downstream systems hear of each publish from. */
  store: CatalogStore & Pick<OutboxStore, 'appendEvents'>
  catalog: LiveCatalog
  /** Tells the other instances to read the catalog again. */
  announce(): void
}

export interface Admin {
  id: string
  role: string
}

const PURPOSE_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/
/** The notice version charset of consent-core SPEC 2.5, so every published version can be decided under. */
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
const MAX_TITLE = 200
const MAX_NOTICE = 10_000
const MAX_LIFETIME_DAYS = 36_500
const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', si: 'Sinhala', ta: 'Tamil' }

const bad = (field: string, message: string, error = 'invalid-field'): CatalogProblem => ({
  status: 400,
  error,
  message,
  field,
})

/** The first thing wrong with a draft version (languages, formats, ranges), or null. */
export function checkVersionDraft(draft: VersionDraft): CatalogProblem | null {
  if (!VERSION.test(draft.version)) {
    return bad('version', 'version: 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit')
  }
  // The same test as consent-core's missingLanguages, one field at a time, so the message names it.
  for (const kind of ['title', 'notice'] as const) {
    const texts = draft[kind] ?? {}
    const [missing] = missingLanguages({ title: texts, notice: texts })
    if (missing) {
      return bad(
        `${kind}.${missing}`,
        `the ${LANGUAGE_NAMES[missing]} ${kind} is empty: every language is needed to publish`,
        'missing-language',
      )
    }
    const max = kind === 'title' ? MAX_TITLE : MAX_NOTICE
    for (const l of LANGUAGES) {
      if (texts[l].length > max)
        return bad(`${kind}.${l}`, `the ${LANGUAGE_NAMES[l]} ${kind} is over ${max} characters`)
    }
  }
  const days = draft.lifetimeDays
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > MAX_LIFETIME_DAYS)) {
    return bad('lifetimeDays', `lifetimeDays: a whole number of days from 1 to ${MAX_LIFETIME_DAYS}`)
  }
  if (draft.reconsent !== undefined && !draft.material) {
    return bad(
      'reconsent',
      'reconsent applies to a material change only: set material, or leave reconsent out',
    )
  }
  return null
}

function versionOf(purposeId: string, draft: VersionDraft, by: Admin, at: string): NoticeVersion {
  const texts = { title: pick(draft.title), notice: pick(draft.notice) }
  return {
    purposeId,
    version: draft.version,
    ...texts,
    textHash: noticeTextHash(purposeId, draft.version, texts),
    material: draft.material ?? false,
    ...(draft.lifetimeDays !== undefined ? { lifetimeDays: draft.lifetimeDays } : {}),
    ...(draft.reconsent !== undefined ? { reconsent: draft.reconsent } : {}),
    publishedAt: at,
    publishedBy: by.id,
  }
}

/** Exactly the three languages, in a fixed order, so the hash covers only what is shown. */
function pick(texts: Record<Language, string>): Record<Language, string> {
  return { en: texts.en, si: texts.si, ta: texts.ta }
}

const CONFLICTS: Record<CatalogConflict, (id: string, version?: string) => CatalogProblem> = {
  'purpose-exists': (id) => ({
    status: 409,
    error: 'purpose-exists',
    message: `purpose ${id} exists: publish a new version of it instead`,
  }),
  'unknown-purpose': (id) => ({ status: 404, error: 'unknown-purpose', message: `no purpose ${id}` }),
  'version-exists': (id, v) => ({
    status: 409,
    error: 'version-exists',
    message: `version ${v} of ${id} is published and cannot change: publish it under a new version`,
  }),
  'purpose-retired': (id) => ({
    status: 409,
    error: 'purpose-retired',
    message: `purpose ${id} is retired: it takes no new version`,
  }),
  'already-active': (id) => ({
    status: 409,
    error: 'already-active',
    message: `purpose ${id} is active already`,
  }),
  'already-retired': (id) => ({
    status: 409,
    error: 'already-retired',
    message: `purpose ${id} is retired already`,
  }),
}

async function finish(
  p: Publisher,
  id: string,
  write: CatalogWrite,
  version?: string,
): Promise<CatalogOutcome> {
  if (!write.ok) return { ok: false, problem: CONFLICTS[write.conflict](id, version) }
  const catalog = await p.catalog.reload()
  p.announce()
  const purpose = catalog.purposes.find((x) => x.id === id)
  if (!purpose) throw new Error(`purpose ${id} was stored but is not in the catalog read back`)
  // Right after the catalog's own transaction, under the admin entry's seq: a repeat is skipped.
  await p.store.appendEvents([publishedEvent(purpose, write.entry)])
  return { ok: true, purpose }
}

/** `catalog.published`: a purpose created, a version published, or a status changed (DESIGN.md §12). */
function publishedEvent(purpose: Purpose, entry: { seq: number; action: string; at: string }) {
  return {
    id: `evt_catalog_${entry.seq}`,
    type: 'catalog.published' as const,
    customerId: null,
    purposeId: purpose.id,
    createdAt: entry.at,
    data: {
      action: entry.action,
      purposeId: purpose.id,
      version: purpose.version,
      status: purpose.status ?? 'active',
      default: purpose.default,
      material: purpose.material ?? false,
      ...(purpose.lifetimeDays !== undefined ? { lifetimeDays: purpose.lifetimeDays } : {}),
      ...(purpose.reconsent !== undefined ? { reconsent: purpose.reconsent } : {}),
      ...(purpose.textHash !== undefined ? { textHash: purpose.textHash } : {}),
      at: entry.at,
      adminSeq: entry.seq,
    },
  }
}

const adminRecord = (
  action: string,
  target: string,
  by: Admin,
  at: string,
  details: Record<string, unknown>,
): AdminRecord => ({
  action,
  target,
  actorId: by.id,
  actorRole: by.role,
  at,
  details,
})

const versionDetails = (v: NoticeVersion) => ({
  version: v.version,
  textHash: v.textHash,
  material: v.material,
  ...(v.lifetimeDays !== undefined ? { lifetimeDays: v.lifetimeDays } : {}),
  ...(v.reconsent !== undefined ? { reconsent: v.reconsent } : {}),
})

/** The first thing wrong with a draft purpose, or null. */
export function checkPurposeDraft(draft: PurposeDraft): CatalogProblem | null {
  if (!PURPOSE_ID.test(draft.id))
    return bad('id', 'id: 1–64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit')
  return checkVersionDraft(draft)
}

/** A new purpose and its first version, published at once. */
export async function createPurpose(
  p: Publisher,
  draft: PurposeDraft,
  by: Admin,
  at = new Date().toISOString(),
): Promise<CatalogOutcome> {
  const problem = checkPurposeDraft(draft)
  if (problem) return { ok: false, problem }
  const first = versionOf(draft.id, draft, by, at)
  const write = await p.store.createPurpose(
    { id: draft.id, default: draft.default, status: 'active', createdAt: at },
    first,
    adminRecord('purpose.create', `purpose:${draft.id}`, by, at, {
      default: draft.default,
      ...versionDetails(first),
    }),
  )
  return finish(p, draft.id, write, draft.version)
}

/** A new version of an active purpose. Earlier versions stay published (a device offline decides under them). */
export async function publishVersion(
  p: Publisher,
  purposeId: string,
  draft: VersionDraft,
  by: Admin,
  at = new Date().toISOString(),
): Promise<CatalogOutcome> {
  const problem = checkVersionDraft(draft)
  if (problem) return { ok: false, problem }
  const v = versionOf(purposeId, draft, by, at)
  const write = await p.store.publishVersion(
    v,
    adminRecord('version.publish', `version:${purposeId}@${v.version}`, by, at, versionDetails(v)),
  )
  return finish(p, purposeId, write, draft.version)
}

/** Retires a purpose: no new grants from now on (consent-core SPEC 2.15); withdrawals always. */
export async function retirePurpose(
  p: Publisher,
  purposeId: string,
  by: Admin,
  at = new Date().toISOString(),
) {
  const write = await p.store.setPurposeStatus(
    purposeId,
    'retired',
    adminRecord('purpose.retire', `purpose:${purposeId}`, by, at, { status: 'retired' }),
  )
  return finish(p, purposeId, write)
}
