import type { Limits } from './limits'
import { CHANNELS, DECISION_STATES, type Decision } from './types'

export type ShapeProblem = {
  reason: 'bad-shape' | 'unknown-field' | 'invalid-field' | 'too-large'
  detail: string
}

const REQUIRED = [
  'id',
  'purposeId',
  'state',
  'supersedes',
  'at',
  'actor',
  'channel',
  'noticeVersion',
] as const
const ALLOWED = new Set<string>([...REQUIRED, 'evidence'])
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype
  )
}

/** A decision id: a UUID in the text form of RFC 9562 (any version), so it carries nothing a reader could run. */
export const DECISION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** A notice version as a catalog publishes them: letters, digits and . _ - (SPEC 2.5). */
const NOTICE_VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

function isDecisionId(v: unknown): v is string {
  return typeof v === 'string' && DECISION_ID.test(v)
}

function isId(v: unknown, limits: Limits): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= limits.maxIdChars
}

/**
 * Checks that a value from the `decisions` array is a well-formed decision (SPEC 2.4–2.5),
 * returning the problem or null. Rules needing context (actor, catalog, ids) are checked later.
 */
export function checkDecisionShape(v: unknown, limits: Limits): ShapeProblem | null {
  if (!isPlainObject(v)) return { reason: 'bad-shape', detail: 'a decision must be a plain JSON object' }
  for (const key of Object.keys(v)) {
    if (!ALLOWED.has(key))
      return { reason: 'unknown-field', detail: `decision field "${key}" is not in the schema` }
  }
  for (const key of REQUIRED) {
    if (!(key in v)) return { reason: 'invalid-field', detail: `decision field "${key}" is missing` }
  }
  if (!isDecisionId(v.id)) return invalid('id', 'a UUID (RFC 9562 text form, lower case)')
  if (!isId(v.purposeId, limits)) return invalid('purposeId', 'a purpose id')
  if (!DECISION_STATES.includes(v.state as never)) return invalid('state', '"granted" or "withdrawn"')
  // Entries name held decisions (SPEC 2.10), which may predate the UUID rule: a record must never
  // become impossible to change, least of all to withdraw.
  if (!Array.isArray(v.supersedes) || !v.supersedes.every((s) => isId(s, limits))) {
    return invalid('supersedes', 'an array of decision ids')
  }
  if (v.supersedes.length > limits.maxSupersedes) {
    return { reason: 'too-large', detail: `supersedes lists more than ${limits.maxSupersedes} decisions` }
  }
  if (typeof v.at !== 'string' || !ISO_8601.test(v.at) || !Number.isFinite(Date.parse(v.at))) {
    return invalid('at', 'an ISO 8601 date-time with a time zone')
  }
  const actor = v.actor
  if (!isPlainObject(actor) || Object.keys(actor).length !== 2 || !isId(actor.id, limits)) {
    return invalid('actor', 'an object {id, role}')
  }
  if (actor.role !== 'customer' && actor.role !== 'csr') return invalid('actor.role', '"customer" or "csr"')
  if (!CHANNELS.includes(v.channel as never)) return invalid('channel', `one of ${CHANNELS.join(', ')}`)
  if (!isId(v.noticeVersion, limits) || !NOTICE_VERSION.test(v.noticeVersion)) {
    return invalid('noticeVersion', 'a notice version (letters, digits, . _ -)')
  }
  if ('evidence' in v) {
    if (typeof v.evidence !== 'string') return invalid('evidence', 'a string')
    if (v.evidence.length > limits.maxEvidenceChars) {
      return { reason: 'too-large', detail: `evidence is longer than ${limits.maxEvidenceChars} characters` }
    }
  }
  return null
}

function invalid(field: string, expected: string): ShapeProblem {
  return { reason: 'invalid-field', detail: `decision field "${field}" must be ${expected}` }
}

/** Narrowing helper for values already checked by {@link checkDecisionShape}. */
export function asDecision(v: unknown): Decision {
  return v as Decision
}
