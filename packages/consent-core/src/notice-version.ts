import { canonicalJson, sha256Hex } from './hash'
import { LANGUAGES, type Language } from './types'

/** What a material change asks of those who granted under an older version (SPEC 1.7). */
export type ReconsentPolicy = 'required' | 'prompt'
export const RECONSENT_POLICIES: readonly ReconsentPolicy[] = ['required', 'prompt']

/** The texts one version of a purpose's notice shows, in every language. */
export interface NoticeTexts {
  title: Record<Language, string>
  notice: Record<Language, string>
}

/** What clients keep of each published version to judge and fold offline: everything but the texts. */
export interface VersionSummary {
  version: string
  /** SHA-256 (hex) of the version's canonical texts (`noticeTextHash`). */
  textHash: string
  /** A material change: grants under earlier versions need fresh consent (SPEC 1.7). */
  material: boolean
  /** Days a grant under this version stays valid, counted from the server's receive time. */
  lifetimeDays?: number
  /** For a material version: `required` voids older grants, `prompt` (default) keeps them and asks. */
  reconsent?: ReconsentPolicy
  publishedAt: string
}

/** One published version of a purpose's notice: immutable once published, kept forever (SPEC 1.6). */
export interface NoticeVersion extends VersionSummary, NoticeTexts {
  purposeId: string
  publishedBy: string
}

/**
 * The hash a decision's audit entry stores for the text it was made under: SHA-256 over the
 * canonical JSON of the purpose id, the version and its texts (SPEC 1.6). Anyone holding the
 * texts can recompute it.
 */
export function noticeTextHash(purposeId: string, version: string, texts: NoticeTexts): string {
  return sha256Hex(canonicalJson({ purposeId, version, title: texts.title, notice: texts.notice }))
}

/** The languages whose title or notice is missing or blank: a version lacking any is not published. */
export function missingLanguages(texts: Partial<NoticeTexts>): Language[] {
  const blank = (v: unknown) => typeof v !== 'string' || v.trim() === ''
  return LANGUAGES.filter((l) => blank(texts.title?.[l]) || blank(texts.notice?.[l]))
}
