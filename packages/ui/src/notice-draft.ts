import {
  type DecisionState,
  LANGUAGES,
  type Language,
  missingLanguages,
  type NoticeTexts,
  type Purpose,
  type PurposeCatalog,
  type ReconsentPolicy,
} from '@consent-sync/consent-core'

/** What an administrator types to publish a new purpose, or a new version of one. */
export interface NoticeDraft {
  /** A new purpose only. */
  id: string
  version: string
  /** A new purpose only. */
  default: DecisionState
  /** A new version only: grants under older versions need fresh consent. */
  material: boolean
  /** With `material`. */
  reconsent: ReconsentPolicy
  /** Whole days, or '' for no lifetime. */
  lifetimeDays: string
  title: Record<Language, string>
  notice: Record<Language, string>
}

/** Which draft field a message is about: `title.ta`, `notice.si`, `version`, … (the server's `field`). */
export type DraftField = string

const EMPTY_TEXTS = { en: '', si: '', ta: '' }

/** A blank draft; for a new version, the current texts to edit. */
export function draftFor(purpose?: Purpose): NoticeDraft {
  return {
    id: purpose?.id ?? '',
    version: '',
    default: purpose?.default ?? 'withdrawn',
    material: false,
    reconsent: 'prompt',
    lifetimeDays: purpose?.lifetimeDays !== undefined ? String(purpose.lifetimeDays) : '',
    title: { ...EMPTY_TEXTS, ...purpose?.title },
    notice: { ...EMPTY_TEXTS, ...purpose?.notice },
  }
}

/** The request bodies of the admin API (DESIGN.md §12). */
export interface NewPurposeBody extends NoticeTexts {
  id: string
  default: DecisionState
  version: string
  lifetimeDays?: number
}
export interface NewVersionBody extends NoticeTexts {
  version: string
  material: boolean
  lifetimeDays?: number
  reconsent?: ReconsentPolicy
}

export type DraftCheck =
  | { ok: true; body: NewPurposeBody | NewVersionBody }
  | { ok: false; message: string; field: DraftField }

const LANGUAGE_IN_ENGLISH: Readonly<Record<Language, string>> = { en: 'English', si: 'Sinhala', ta: 'Tamil' }
const PURPOSE_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/
// consent-core SPEC 2.5: a version a decision can name.
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
const MAX_LIFETIME_DAYS = 36_500

/**
 * Whether a draft can be published, checked before anything is sent: the first thing wrong, with
 * the field it is about. A title or notice missing or blank in any language is refused by name
 * (`missingLanguages`), as the server refuses it.
 */
export function checkDraft(draft: NoticeDraft, catalog: PurposeCatalog, purpose?: Purpose): DraftCheck {
  const bad = (field: DraftField, message: string): DraftCheck => ({ ok: false, field, message })
  if (!purpose) {
    if (!PURPOSE_ID.test(draft.id))
      return bad(
        'id',
        'The id: lower-case letters, digits, ".", "_" or "-", starting with a letter or digit.',
      )
    if (catalog.purposes.some((p) => p.id === draft.id))
      return bad('id', `A purpose ${draft.id} exists already: publish a new version of it instead.`)
  }
  if (!VERSION.test(draft.version))
    return bad('version', 'The version: letters, digits, ".", "_" or "-", starting with a letter or digit.')
  if (
    purpose &&
    (purpose.versions?.some((v) => v.version === draft.version) || purpose.version === draft.version)
  )
    return bad(
      'version',
      `Version ${draft.version} of ${purpose.id} is published already: choose a new version.`,
    )
  for (const kind of ['title', 'notice'] as const) {
    const [missing] = missingLanguages({ title: draft[kind], notice: draft[kind] })
    if (missing)
      return bad(
        `${kind}.${missing}`,
        `The ${LANGUAGE_IN_ENGLISH[missing]} ${kind} is empty: every language is needed to publish.`,
      )
  }
  let lifetimeDays: number | undefined
  if (draft.lifetimeDays.trim() !== '') {
    lifetimeDays = Number(draft.lifetimeDays)
    if (!Number.isInteger(lifetimeDays) || lifetimeDays < 1 || lifetimeDays > MAX_LIFETIME_DAYS)
      return bad(
        'lifetimeDays',
        `The lifetime: a whole number of days from 1 to ${MAX_LIFETIME_DAYS}, or empty.`,
      )
  }
  const texts = { title: trimmed(draft.title), notice: trimmed(draft.notice) }
  const lifetime = lifetimeDays !== undefined ? { lifetimeDays } : {}
  if (!purpose)
    return {
      ok: true,
      body: { id: draft.id, default: draft.default, version: draft.version, ...texts, ...lifetime },
    }
  return {
    ok: true,
    body: {
      version: draft.version,
      ...texts,
      material: draft.material,
      ...lifetime,
      // The server takes a policy with a material change only.
      ...(draft.material ? { reconsent: draft.reconsent } : {}),
    },
  }
}

function trimmed(texts: Record<Language, string>): Record<Language, string> {
  return Object.fromEntries(LANGUAGES.map((l) => [l, texts[l].trim()])) as Record<Language, string>
}
