import { DEFAULT_LIMITS, type DecisionState } from '@consent-sync/consent-core'
import type { LegacyChange, LegacyConsent, LegacyUser } from './legacy-records'

/** Characters of a legacy user's name kept in a note; the note as a whole stays within the limit. */
const MAX_NAME_CHARS = 80

/** Text from the old service, made safe for a one-line note: no control characters, bounded. */
function clean(value: string, max: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const one = value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
  return one.length > max ? `${one.slice(0, max - 1)}…` : one
}

function who(u: LegacyUser): string {
  const name = clean(u.userName, MAX_NAME_CHARS)
  return `${clean(u.userType, 20)} ${clean(u.userId, 64)}${name ? ` (${name})` : ''}`
}

const LEGACY_STATE: Record<DecisionState, string> = { granted: 'granted', withdrawn: 'revoked' }

function bounded(note: string): string {
  return note.length > DEFAULT_LIMITS.maxEvidenceChars
    ? `${note.slice(0, DEFAULT_LIMITS.maxEvidenceChars - 1)}…`
    : note
}

/** The note of a decision migrated from one change of the old audit collection. */
export function changeEvidence(c: LegacyChange): string {
  const via = c.channel ? ` via ${clean(c.channel, 40)}` : ''
  const from = c.ip ? ` from ${clean(c.ip, 45)}` : ''
  return bounded(`legacy audit record ${c._id}: ${c.action} by ${who(c.changedBy)}${via}${from}`)
}

/**
 * The note of a decision migrated from a consent document: only its last state is known, so the
 * note says so, and when the audit log said otherwise, what it said.
 */
export function consentEvidence(c: LegacyConsent, audit?: { endedAt: DecisionState | null }): string {
  const known =
    audit === undefined
      ? 'earlier changes are not in the export'
      : audit.endedAt === null
        ? 'the legacy audit log holds no change of it'
        : `the legacy audit log ended at ${LEGACY_STATE[audit.endedAt]}`
  return bounded(
    `legacy consent record ${c._id}: ${LEGACY_STATE[c.status]} as of ${c.updatedAt}, set by ${who(c.updatedBy)}; created ${c.createdAt}; ${known}`,
  )
}
