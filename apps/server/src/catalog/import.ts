import { type DecisionState, type NoticeVersion, noticeTextHash } from '@consent-sync/consent-core'
import {
  type CatalogProblem,
  checkPurposeDraft,
  checkVersionDraft,
  createPurpose,
  type Publisher,
  publishVersion,
  type VersionDraft,
} from './publish'

/** Who an import is attributed to in the admin log. */
export const IMPORT_ADMIN = { id: 'catalog-import', role: 'system' } as const

/** One line of a catalog file: one version of a purpose; a purpose's first line creates it. */
export interface CatalogLine extends VersionDraft {
  purposeId: string
  /** Needed on the line that creates the purpose. */
  default?: DecisionState
}

export interface LineProblem {
  line: number
  field?: string
  message: string
}

export interface ImportReport {
  ok: boolean
  problems: LineProblem[]
  /** Versions published by this import. */
  published: number
  /** Versions the store held already with the same texts (an import run again adds nothing). */
  unchanged: number
}

const KNOWN = new Set([
  'purposeId',
  'default',
  'version',
  'title',
  'notice',
  'material',
  'lifetimeDays',
  'reconsent',
])
// Written by `catalog export`; read and ignored: an import publishes under its own time and name.
const IGNORED = new Set(['textHash', 'publishedAt', 'publishedBy'])

function parseLine(text: string, line: number): CatalogLine | LineProblem {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    return { line, message: `not JSON: ${(err as Error).message}` }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { line, message: 'not a JSON object' }
  const o = value as Record<string, unknown>
  for (const k of Object.keys(o))
    if (!KNOWN.has(k) && !IGNORED.has(k)) return { line, field: k, message: 'unknown field' }
  const string = (k: string) => typeof o[k] === 'string'
  if (!string('purposeId')) return { line, field: 'purposeId', message: 'a string is needed' }
  if (!string('version')) return { line, field: 'version', message: 'a string is needed' }
  for (const k of ['title', 'notice']) {
    if (typeof o[k] !== 'object' || o[k] === null)
      return { line, field: k, message: 'an object {en, si, ta} is needed' }
  }
  if (o.default !== undefined && o.default !== 'granted' && o.default !== 'withdrawn') {
    return { line, field: 'default', message: '"granted" or "withdrawn"' }
  }
  if (o.material !== undefined && typeof o.material !== 'boolean')
    return { line, field: 'material', message: 'true or false' }
  if (o.reconsent !== undefined && o.reconsent !== 'required' && o.reconsent !== 'prompt') {
    return { line, field: 'reconsent', message: '"required" or "prompt"' }
  }
  if (o.lifetimeDays !== undefined && typeof o.lifetimeDays !== 'number')
    return { line, field: 'lifetimeDays', message: 'a number of days' }
  return o as unknown as CatalogLine
}

/** Whether a stored version is the line as published: same texts and the same policy. */
const samePublished = (held: NoticeVersion, line: CatalogLine) =>
  held.textHash === noticeTextHash(held.purposeId, held.version, line) &&
  held.material === (line.material ?? false) &&
  held.lifetimeDays === line.lifetimeDays &&
  held.reconsent === line.reconsent

/**
 * Imports a catalog file (JSON Lines, one version per line, a purpose's versions oldest first).
 * Every line is checked first — its shape, its languages, its place against the store and the
 * lines before it — and nothing is published unless all of them pass. A version the store holds
 * with the same texts is left as it is, so importing a file again adds nothing.
 */
export async function importCatalog(p: Publisher, text: string): Promise<ImportReport> {
  const problems: LineProblem[] = []
  const lines: { line: number; entry: CatalogLine }[] = []
  for (const [i, raw] of text.split('\n').entries()) {
    if (raw.trim() === '') continue
    const parsed = parseLine(raw, i + 1)
    if ('message' in parsed) problems.push(parsed)
    else lines.push({ line: i + 1, entry: parsed })
  }

  const existing = new Map((await p.store.listPurposes()).map((x) => [x.id, x]))
  const stored = new Map((await p.store.listVersions()).map((v) => [`${v.purposeId}@${v.version}`, v]))
  const seen = new Set<string>()
  const created = new Set<string>()
  const todo: { line: number; entry: CatalogLine; creates: boolean }[] = []
  let unchanged = 0
  for (const { line, entry } of lines) {
    const key = `${entry.purposeId}@${entry.version}`
    if (seen.has(key)) {
      problems.push({ line, field: 'version', message: `${key} appears twice in the file` })
      continue
    }
    seen.add(key)
    const held = stored.get(key)
    if (held) {
      if (samePublished(held, entry)) unchanged++
      else
        problems.push({
          line,
          field: 'version',
          message: `${key} is published with other texts or settings; a published version never changes`,
        })
      continue
    }
    const purpose = existing.get(entry.purposeId)
    const creates = !purpose && !created.has(entry.purposeId)
    if (creates && entry.default === undefined) {
      problems.push({
        line,
        field: 'default',
        message: `the first line of purpose ${entry.purposeId} needs "default"`,
      })
      continue
    }
    if (purpose?.status === 'retired') {
      problems.push({
        line,
        field: 'purposeId',
        message: `purpose ${entry.purposeId} is retired: it takes no new version`,
      })
      continue
    }
    created.add(entry.purposeId)
    todo.push({ line, entry, creates })
  }
  // The checks publishing makes (languages, formats, ranges), before anything is written.
  for (const { line, entry, creates } of todo) {
    const problem = dryRun(entry, creates)
    if (problem)
      problems.push({ line, ...(problem.field ? { field: problem.field } : {}), message: problem.message })
  }
  if (problems.length > 0) {
    return { ok: false, problems: problems.sort((a, b) => a.line - b.line), published: 0, unchanged }
  }

  let published = 0
  for (const { line, entry, creates } of todo) {
    const { purposeId, default: defaultState, ...draft } = entry
    const outcome = creates
      ? await createPurpose(
          p,
          { id: purposeId, default: defaultState ?? 'withdrawn', ...draft },
          IMPORT_ADMIN,
        )
      : await publishVersion(p, purposeId, draft, IMPORT_ADMIN)
    if (!outcome.ok) {
      // Another writer got in between the check and the write: say where the import stopped.
      problems.push({ line, message: `${outcome.problem.message}; lines before this one were imported` })
      return { ok: false, problems, published, unchanged }
    }
    published++
  }
  return { ok: true, problems, published, unchanged }
}

/** What publishing would refuse about one line, checked without writing. */
function dryRun(entry: CatalogLine, creates: boolean): CatalogProblem | null {
  const { purposeId, default: defaultState, ...draft } = entry
  return creates
    ? checkPurposeDraft({ id: purposeId, default: defaultState ?? 'withdrawn', ...draft })
    : checkVersionDraft(draft)
}

/** The store's catalog as a file `importCatalog` reads: every version, oldest first per purpose. */
export async function exportCatalog(p: Pick<Publisher, 'store'>): Promise<string> {
  const purposes = await p.store.listPurposes()
  const versions = await p.store.listVersions()
  const lines: string[] = []
  for (const purpose of purposes) {
    const own = versions.filter((v) => v.purposeId === purpose.id).reverse()
    for (const [i, v] of own.entries()) {
      const { purposeId, ...rest } = v
      lines.push(JSON.stringify({ purposeId, ...(i === 0 ? { default: purpose.default } : {}), ...rest }))
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : ''
}
