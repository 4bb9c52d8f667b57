import type { UserRole } from '@consent-sync/consent-core'

/**
 * Tokens from the operator's identity provider (README: Signing in with your identity provider).
 * Set by `OIDC_ISSUER`, `OIDC_AUDIENCE` and `OIDC_JWKS_URL` together; the claim names and the role
 * map say how the provider's claims become a consent-sync user.
 */
export interface OidcConfig {
  /** The `iss` every token must carry, exactly. */
  issuer: string
  /** Accepted `aud` values (a token needs one of them). */
  audiences: string[]
  /** The provider's JSON Web Key Set. */
  jwksUrl: string
  /** Claim holding the role or groups: a string or an array; a dotted path reaches nested claims. */
  roleClaim: string
  /** Provider values → roles, first match wins; a value that is a role name maps to itself. */
  roleMap: ReadonlyArray<readonly [string, UserRole]>
  /** Claim holding a customer's id (required for the customer role). */
  customerIdClaim: string
  /** Claim holding the display name (falls back to `preferred_username`, then `sub`). */
  nameClaim: string
  /** Seconds of clock difference tolerated on `exp`, `nbf` and `iat`. */
  clockToleranceSeconds: number
  /** Seconds the key set is kept before it is fetched again. */
  jwksMaxAgeSeconds: number
  /** Seconds after a fetch during which an unknown `kid` does not fetch again. */
  jwksCooldownSeconds: number
  /** Milliseconds a key-set fetch may take. */
  jwksTimeoutMs: number
  /**
   * Where the sign-in pages send people to sign in at the provider (`OIDC_LOGIN_URL`, optional):
   * the provider (or the operator's app) returns them to the page with `#access_token=<JWT>`.
   */
  loginUrl?: string
}

/** Roles a provider's claim may map to. */
export const MAPPABLE_ROLES: readonly UserRole[] = ['customer', 'csr', 'admin', 'auditor', 'service']

/** A variable that is wrong, and why (config.ts turns it into a ConfigError). */
export class OidcConfigProblem extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message)
  }
}

type Env = Record<string, string | undefined>

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

function url(env: Env, name: string, production: boolean): string {
  const raw = env[name] ?? ''
  let parsed: URL
  try {
    parsed = new URL(raw)
  } catch {
    throw new OidcConfigProblem(
      name,
      `must be a URL such as https://login.example.com/realms/telco, got "${raw}"`,
    )
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new OidcConfigProblem(name, `must be an https:// URL, got "${raw}"`)
  }
  // Keys fetched in the clear could be swapped on the way: only a provider on this machine may use http.
  if (production && parsed.protocol === 'http:' && !LOOPBACK.has(parsed.hostname)) {
    throw new OidcConfigProblem(name, `must use https in production, got "${raw}"`)
  }
  return raw
}

/** `OIDC_ROLE_MAP`: `value=role` pairs separated by commas, e.g. `agents=csr,dpo=auditor`. */
function roleMap(raw: string | undefined): Array<readonly [string, UserRole]> {
  const pairs: Array<readonly [string, UserRole]> = []
  for (const item of (raw ?? '').split(',')) {
    const entry = item.trim()
    if (entry === '') continue
    const at = entry.lastIndexOf('=')
    const value = entry.slice(0, at).trim()
    const role = entry.slice(at + 1).trim() as UserRole
    if (at <= 0 || value === '' || !MAPPABLE_ROLES.includes(role)) {
      throw new OidcConfigProblem(
        'OIDC_ROLE_MAP',
        `"${entry}" is not value=role with role one of ${MAPPABLE_ROLES.join(', ')}`,
      )
    }
    pairs.push([value, role])
  }
  return pairs
}

function seconds(env: Env, name: string, fallback: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new OidcConfigProblem(name, `must be a whole number from 0 to ${max}, got "${raw}"`)
  }
  return n
}

function claimName(env: Env, name: string, fallback: string): string {
  const value = (env[name] ?? '').trim() || fallback
  if (!/^[\w:/.-]{1,200}$/.test(value)) {
    throw new OidcConfigProblem(name, `must be a claim name (letters, digits, _ : / . -), got "${value}"`)
  }
  return value
}

/** The provider settings, or undefined when none of the three required variables is set. */
export function loadOidcConfig(env: Env, production: boolean): OidcConfig | undefined {
  const required = ['OIDC_ISSUER', 'OIDC_AUDIENCE', 'OIDC_JWKS_URL'] as const
  const set = required.filter((name) => (env[name] ?? '') !== '')
  if (set.length === 0) return undefined
  const missing = required.find((name) => !set.includes(name))
  if (missing) throw new OidcConfigProblem(missing, `is required with ${set.join(' and ')}`)
  const audiences = (env.OIDC_AUDIENCE ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '')
  return {
    issuer: url(env, 'OIDC_ISSUER', production),
    audiences,
    jwksUrl: url(env, 'OIDC_JWKS_URL', production),
    roleClaim: claimName(env, 'OIDC_ROLE_CLAIM', 'role'),
    roleMap: roleMap(env.OIDC_ROLE_MAP),
    customerIdClaim: claimName(env, 'OIDC_CUSTOMER_ID_CLAIM', 'customerId'),
    nameClaim: claimName(env, 'OIDC_NAME_CLAIM', 'name'),
    clockToleranceSeconds: seconds(env, 'OIDC_CLOCK_TOLERANCE_SECONDS', 60, 600),
    jwksMaxAgeSeconds: seconds(env, 'OIDC_JWKS_MAX_AGE_SECONDS', 600, 7 * 24 * 3600),
    jwksCooldownSeconds: seconds(env, 'OIDC_JWKS_COOLDOWN_SECONDS', 30, 3600),
    jwksTimeoutMs: seconds(env, 'OIDC_JWKS_TIMEOUT_MS', 5000, 60_000) || 5000,
    ...(env.OIDC_LOGIN_URL ? { loginUrl: url(env, 'OIDC_LOGIN_URL', production) } : {}),
  }
}
