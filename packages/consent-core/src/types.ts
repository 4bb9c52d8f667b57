/** The consent document contract (DESIGN.md §4, SPEC.md §1). */

export type DecisionState = 'granted' | 'withdrawn'
export type ActorRole = 'customer' | 'csr'
export type Channel = 'web' | 'app' | 'phone' | 'store' | 'import'
export type Language = 'en' | 'si' | 'ta'

export const DECISION_STATES: readonly DecisionState[] = ['granted', 'withdrawn']
export const CHANNELS: readonly Channel[] = ['web', 'app', 'phone', 'store', 'import']
export const LANGUAGES: readonly Language[] = ['en', 'si', 'ta']

/** Channels each role may record a decision through (SPEC 2.9). */
export const CHANNELS_BY_ROLE: Readonly<Record<ActorRole, readonly Channel[]>> = {
  customer: ['web', 'app'],
  csr: ['phone', 'store', 'import'],
}

export interface Actor {
  id: string
  role: ActorRole
}

export interface Decision {
  id: string
  purposeId: string
  state: DecisionState
  supersedes: string[]
  at: string
  actor: Actor
  channel: Channel
  noticeVersion: string
  evidence?: string
}

/**
 * Who is connected, from the verified token. `admin`, `auditor` (compliance officers: read and
 * export) and `service` (downstream systems) may read but not decide.
 */
export type UserRole = 'customer' | 'csr' | 'admin' | 'auditor' | 'service'

export interface ConnectionUser {
  id: string
  role: UserRole
  customerId?: string
}

/** Keys the customer may set in the `profile` map, with the values each accepts. */
export const PROFILE_FIELDS = {
  language: ['en', 'si', 'ta'],
  contactChannel: ['sms', 'email', 'push', 'phone', 'none'],
} as const satisfies Record<string, readonly string[]>

export type ProfileKey = keyof typeof PROFILE_FIELDS
export type Profile = { [K in ProfileKey]?: (typeof PROFILE_FIELDS)[K][number] }

/** Root types of the document, and nothing else. */
export const ROOT_DECISIONS = 'decisions'
export const ROOT_PROFILE = 'profile'

export type Result<T, R extends string> = { ok: true; value: T } | { ok: false; reason: R; detail?: string }
