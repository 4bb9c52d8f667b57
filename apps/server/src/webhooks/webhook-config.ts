/**
 * Webhook delivery settings (README "Webhooks"), read once at start with the rest of the config.
 * The retry schedule is the Standard Webhooks one unless `WEBHOOK_RETRY_SCHEDULE` says otherwise.
 */
export interface WebhookConfig {
  /** Seconds before each attempt: the first (after the event), then after each failure. */
  retryScheduleSeconds: readonly number[]
  /** Milliseconds one attempt may take, connection to the end of the answer. */
  attemptTimeoutMs: number
  /** Milliseconds an instance holds a delivery it attempts; after it another may take it over. */
  leaseMs: number
  /** Attempts one instance runs at once to one endpoint. */
  maxInFlightPerEndpoint: number
  /** Attempts one instance runs at once in all. */
  maxInFlight: number
  /** Milliseconds between looks for new events and due retries. */
  pollIntervalMs: number
  /** Seconds a rotated-out secret goes on signing beside the new one. */
  rotationOverlapSeconds: number
  /** Hosts (names or address literals) webhooks may go to whatever they resolve to. */
  allowedHosts: readonly string[]
  /** Private, loopback and link-local targets allowed everywhere (`WEBHOOK_ALLOW_PRIVATE`). */
  allowPrivate: boolean
  /** Only https targets, except to an allowed host (production). */
  requireHttps: boolean
  /** What endpoint secrets are sealed with, and the former keys that still open theirs. */
  secretKey: string
  previousSecretKeys: readonly string[]
  /** Where `secretKey` came from: `WEBHOOK_SECRET_KEY`, or derived from JWT_SECRET. */
  secretKeySource: 'env' | 'jwt-secret'
}

/** The Standard Webhooks schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const STANDARD_RETRY_SCHEDULE: readonly number[] = [0, 5, 300, 1800, 7200, 18000, 36000, 36000]

export class WebhookConfigProblem extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message)
  }
}

type Env = Record<string, string | undefined>

function whole(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max)
    throw new WebhookConfigProblem(name, `must be a whole number from ${min} to ${max}, got "${raw}"`)
  return n
}

function schedule(env: Env): readonly number[] {
  const raw = env.WEBHOOK_RETRY_SCHEDULE
  if (raw === undefined || raw.trim() === '') return STANDARD_RETRY_SCHEDULE
  const steps = raw.split(',').map((s) => s.trim())
  const seconds = steps.map(Number)
  if (
    steps.length > 50 ||
    seconds.some((n, i) => steps[i] === '' || !Number.isInteger(n) || n < 0 || n > 7 * 86400)
  )
    throw new WebhookConfigProblem(
      'WEBHOOK_RETRY_SCHEDULE',
      `must be up to 50 comma-separated whole seconds (0 to 604800), e.g. 0,5,300; got "${raw}"`,
    )
  return seconds
}

function hosts(env: Env): string[] {
  return (env.WEBHOOK_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((h) =>
      h
        .trim()
        .toLowerCase()
        .replace(/^\[(.*)\]$/, '$1'),
    )
    .filter((h) => h !== '')
}

/**
 * Without `WEBHOOK_SECRET_KEY` the sealing key is derived from JWT_SECRET (a separate HKDF input,
 * so it is not the token key): production works without another secret, and an operator who sets
 * one later keeps opening the secrets sealed before (the derived key stays among the openers).
 */
export function loadWebhookConfig(env: Env, production: boolean, jwtSecret: string): WebhookConfig {
  const own = env.WEBHOOK_SECRET_KEY
  if (own !== undefined && own !== '' && own.length < 32)
    throw new WebhookConfigProblem('WEBHOOK_SECRET_KEY', 'must be at least 32 characters')
  const derived = `jwt-secret:${jwtSecret}`
  const previous = (env.WEBHOOK_SECRET_KEY_PREVIOUS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '')
  const attemptTimeoutMs = whole(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000)
  const leaseMs = whole(env, 'WEBHOOK_LEASE_MS', attemptTimeoutMs + 5000, 1000, 600_000)
  if (leaseMs <= attemptTimeoutMs)
    throw new WebhookConfigProblem(
      'WEBHOOK_LEASE_MS',
      `must be longer than WEBHOOK_TIMEOUT_MS (${attemptTimeoutMs})`,
    )
  const allowPrivate = env.WEBHOOK_ALLOW_PRIVATE
  if (allowPrivate && !['1', 'true', 'yes', '0', 'false', 'no'].includes(allowPrivate))
    throw new WebhookConfigProblem('WEBHOOK_ALLOW_PRIVATE', `must be true or false, got "${allowPrivate}"`)
  return {
    retryScheduleSeconds: schedule(env),
    attemptTimeoutMs,
    leaseMs,
    maxInFlightPerEndpoint: whole(env, 'WEBHOOK_MAX_IN_FLIGHT_PER_ENDPOINT', 4, 1, 100),
    maxInFlight: whole(env, 'WEBHOOK_MAX_IN_FLIGHT', 32, 1, 1000),
    pollIntervalMs: whole(env, 'WEBHOOK_POLL_INTERVAL_MS', 1000, 10, 60_000),
    rotationOverlapSeconds: whole(env, 'WEBHOOK_ROTATION_OVERLAP_SECONDS', 86_400, 0, 30 * 86_400),
    allowedHosts: hosts(env),
    allowPrivate: ['1', 'true', 'yes'].includes(allowPrivate ?? ''),
    requireHttps: production,
    secretKey: own || derived,
    previousSecretKeys: own ? [...previous, derived] : previous,
    secretKeySource: own ? 'env' : 'jwt-secret',
  }
}
