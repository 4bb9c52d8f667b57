import type { DecisionState, Result } from '@consent-sync/consent-core'
import { customerIdSchema } from '../http/customers'
import { unwrapExtendedJson } from './extended-json'

/** Who changed a record in the old service, as it kept them. */
export interface LegacyUser {
  userId: string
  /** e.g. "customer", "csr", "admin"; kept as the old service wrote it. */
  userType: string
  userName: string
}

/** A document of the old service's consent collection: a purpose's state as it last stood. */
export interface LegacyConsent {
  kind: 'consent'
  _id: string
  customerId: string
  purpose: string
  status: DecisionState
  createdAt: string
  updatedAt: string
  updatedBy: LegacyUser
}

/** A document of the old service's audit collection: one change of a consent (fixtures/legacy/README.md). */
export interface LegacyChange {
  kind: 'change'
  _id: string
  customerId: string
  purpose: string
  action: LegacyAction
  before: DecisionState | null
  after: DecisionState
  changedBy: LegacyUser
  timestamp: string
  ip?: string
  channel?: string
}

export type LegacyRecord = LegacyConsent | LegacyChange

export const LEGACY_ACTIONS = ['consent-created', 'consent-updated'] as const
export type LegacyAction = (typeof LEGACY_ACTIONS)[number]

/** Why a line of an export could not be read. */
export type LineReason = 'not-json' | 'extended-json' | 'bad-record'

export type ParsedLine = Result<LegacyRecord, LineReason> & {
  /** The customer the line names, when it can be told even from a broken line (to skip them whole). */
  customerId?: string
}

const CUSTOMER_ID = new RegExp(customerIdSchema.pattern)
/** Longest legacy id or purpose name taken (ids become part of evidence notes, names of reports). */
const MAX_ID_CHARS = 100
/** Later than this past the run is a clock error of the old service, not a time anyone decided. */
const FUTURE_SLACK_MS = 24 * 3600 * 1000

type Fields = Record<string, unknown>
type Check<T> = { ok: true; value: T } | { ok: false; detail: string }

function text(o: Fields, key: string, where = ''): Check<string> {
  const v = o[key]
  if (typeof v !== 'string' || v.trim() === '')
    return { ok: false, detail: `${where}${key}: a string is needed` }
  if (v.length > MAX_ID_CHARS)
    return { ok: false, detail: `${where}${key}: longer than ${MAX_ID_CHARS} characters` }
  return { ok: true, value: v }
}

function instant(o: Fields, key: string, now: number): Check<string> {
  const v = o[key]
  // unwrapExtendedJson made every $date an ISO string; a bare string is read the same way.
  const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN
  if (!Number.isFinite(ms)) return { ok: false, detail: `${key}: a date is needed` }
  if (ms > now + FUTURE_SLACK_MS) return { ok: false, detail: `${key}: ${v} is in the future` }
  return { ok: true, value: new Date(ms).toISOString() }
}

function status(v: unknown, key: string): Check<DecisionState> {
  if (v === 'granted') return { ok: true, value: 'granted' }
  if (v === 'revoked') return { ok: true, value: 'withdrawn' }
  return { ok: false, detail: `${key}: "granted" or "revoked" is needed` }
}

function user(v: unknown, key: string): Check<LegacyUser> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return { ok: false, detail: `${key}: an object {userId, userType, userName} is needed` }
  const o = v as Fields
  const userId = text(o, 'userId', `${key}.`)
  if (!userId.ok) return userId
  const userType = text(o, 'userType', `${key}.`)
  if (!userType.ok) return userType
  const name = o.userName
  if (name !== undefined && name !== null && typeof name !== 'string')
    return { ok: false, detail: `${key}.userName: a string is needed` }
  return { ok: true, value: { userId: userId.value, userType: userType.value, userName: name ?? '' } }
}

/** The first failed check of a record, or its value. */
function all<T extends Record<string, Check<unknown>>>(
  checks: T,
):
  | { ok: true; value: { [K in keyof T]: T[K] extends Check<infer V> ? V : never } }
  | { ok: false; detail: string } {
  const value: Record<string, unknown> = {}
  for (const [k, c] of Object.entries(checks)) {
    if (!c.ok) return c
    value[k] = c.value
  }
  return { ok: true, value: value as never }
}

function consentOf(o: Fields, now: number): Check<LegacyConsent> {
  const r = all({
    _id: text(o, '_id'),
    customerId: customerIdOf(o),
    purpose: text(o, 'purpose'),
    status: status(o.status, 'status'),
    createdAt: instant(o, 'createdAt', now),
    updatedAt: instant(o, 'updatedAt', now),
    updatedBy: user(o.updatedBy, 'updatedBy'),
  })
  if (!r.ok) return r
  if (r.value.updatedAt < r.value.createdAt) return { ok: false, detail: 'updatedAt: earlier than createdAt' }
  return { ok: true, value: { kind: 'consent', ...r.value } }
}

function changeOf(o: Fields, now: number): Check<LegacyChange> {
  const action = LEGACY_ACTIONS.find((a) => a === o.action)
  if (!action) return { ok: false, detail: `action: one of ${LEGACY_ACTIONS.join(', ')} is needed` }
  const before = o.before === null || o.before === undefined ? null : o.before
  const r = all({
    _id: text(o, '_id'),
    customerId: customerIdOf(o),
    purpose: text(o, 'purpose'),
    before:
      before === null
        ? ({ ok: true, value: null } as Check<DecisionState | null>)
        : status((before as Fields | null)?.status, 'before.status'),
    after: status((o.after as Fields | null)?.status, 'after.status'),
    changedBy: user(o.changedBy, 'changedBy'),
    timestamp: instant(o, 'timestamp', now),
  })
  if (!r.ok) return r
  const change: LegacyChange = { kind: 'change', action, ...r.value }
  for (const key of ['ip', 'channel'] as const) {
    const v = o[key]
    if (v === undefined || v === null) continue
    if (typeof v !== 'string' || v.length > MAX_ID_CHARS)
      return { ok: false, detail: `${key}: a short string is needed` }
    change[key] = v
  }
  return { ok: true, value: change }
}

function customerIdOf(o: Fields): Check<string> {
  const v = o.customerId
  if (typeof v !== 'string' || v.length > customerIdSchema.maxLength || !CUSTOMER_ID.test(v)) {
    return { ok: false, detail: 'customerId: a customer id (letters, digits, . _ -; up to 64) is needed' }
  }
  return { ok: true, value: v }
}

/** A customer id read from a line that is not JSON, so that customer can still be skipped whole. */
function customerIdIn(line: string): string | undefined {
  const m = /"customerId"\s*:\s*"([^"\\]{1,64})"/.exec(line)
  return m && CUSTOMER_ID.test(m[1]!) ? m[1] : undefined
}

/**
 * One line of a `mongoexport` JSON Lines file of the consent or the audit collection, unwrapped
 * and checked. `now` is the run's clock: a record dated later than a day past it is refused.
 */
export function parseLegacyLine(line: string, collection: 'consents' | 'audit', now: number): ParsedLine {
  let raw: unknown
  try {
    raw = JSON.parse(line)
  } catch (err) {
    const customerId = customerIdIn(line)
    return {
      ok: false,
      reason: 'not-json',
      detail: `not JSON: ${(err as Error).message}`,
      ...(customerId ? { customerId } : {}),
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: 'not-json', detail: 'not a JSON object' }
  }
  const named = (raw as Fields).customerId
  const customerId = typeof named === 'string' && CUSTOMER_ID.test(named) ? { customerId: named } : {}
  const unwrapped = unwrapExtendedJson(raw)
  if (!unwrapped.ok) return { ...unwrapped, ...customerId }
  const checked =
    collection === 'consents'
      ? consentOf(unwrapped.value as Fields, now)
      : changeOf(unwrapped.value as Fields, now)
  if (!checked.ok) return { ok: false, reason: 'bad-record', detail: checked.detail, ...customerId }
  return { ok: true, value: checked.value, customerId: checked.value.customerId }
}
