import type { UserRole } from '@consent-sync/consent-core'
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose'
import { MAPPABLE_ROLES, type OidcConfig } from './oidc-config'
import type { TokenVerdict, VerifiedClaims } from './tokens'

/**
 * Signature algorithms accepted from the provider: asymmetric only, so a token "signed" with the
 * public key as an HMAC secret, or with `alg: none`, is refused before any key is looked at.
 */
export const PROVIDER_ALGORITHMS = ['RS256', 'ES256', 'EdDSA', 'Ed25519'] as const

/** The value at a dotted claim path (`realm_access.roles`), or, first, a claim of that exact name. */
function claimAt(payload: JWTPayload, path: string): unknown {
  if (path in payload) return payload[path]
  let at: unknown = payload
  for (const part of path.split('.')) {
    if (typeof at !== 'object' || at === null) return undefined
    at = (at as Record<string, unknown>)[part]
  }
  return at
}

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

/** The role the provider's claim maps to: the first matching map entry, else a value naming a role. */
export function roleOf(
  payload: JWTPayload,
  config: Pick<OidcConfig, 'roleClaim' | 'roleMap'>,
): UserRole | undefined {
  const values = stringsOf(claimAt(payload, config.roleClaim))
  for (const [value, role] of config.roleMap) if (values.includes(value)) return role
  return values.find((v): v is UserRole => MAPPABLE_ROLES.includes(v as UserRole))
}

/**
 * The consent-sync user a provider token stands for, or why it stands for none. A customer's id is
 * their customer id claim (what the documents and audit entries are keyed by); staff keep `sub`.
 */
export function claimsFromProvider(
  payload: JWTPayload,
  config: OidcConfig,
): { ok: true; claims: VerifiedClaims } | { ok: false; detail: string } {
  const role = roleOf(payload, config)
  if (!role) return { ok: false, detail: `no role in claim ${config.roleClaim} (OIDC_ROLE_MAP)` }
  const sub = payload.sub
  if (typeof sub !== 'string' || sub === '') return { ok: false, detail: 'no sub claim' }
  const named = claimAt(payload, config.nameClaim) ?? payload.preferred_username
  const name = typeof named === 'string' && named !== '' ? named : sub
  const iat = typeof payload.iat === 'number' ? payload.iat : Math.floor(Date.now() / 1000)
  const exp = payload.exp as number
  if (role !== 'customer') return { ok: true, claims: { sub, role, name, iat, exp, iss: config.issuer } }
  const customerId = claimAt(payload, config.customerIdClaim)
  if (typeof customerId !== 'string' || customerId === '') {
    return { ok: false, detail: `a customer token needs the ${config.customerIdClaim} claim` }
  }
  return { ok: true, claims: { sub: customerId, role, name, customerId, iat, exp, iss: config.issuer } }
}

/**
 * Key-set fetch problems: the token may be fine, the provider could not be asked (a timeout, a
 * refused connection, an answer other than 200 or not a key set — jose's generic error).
 */
function providerUnreachable(err: unknown): boolean {
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) return true
  if (err instanceof errors.JOSEError) return err.code === 'ERR_JOSE_GENERIC'
  return true
}

export type ProviderVerifier = (token: string) => Promise<TokenVerdict>

/**
 * Verifies tokens of the operator's identity provider against its published keys: fetched on first
 * use, kept `jwksMaxAgeSeconds`, fetched again when a token names a `kid` the cached set lacks (a
 * rotation needs no restart), with issuer, audience, expiry and clock tolerance checked by `jose`.
 */
export function createProviderVerifier(config: OidcConfig): ProviderVerifier {
  const keys = createRemoteJWKSet(new URL(config.jwksUrl), {
    cacheMaxAge: config.jwksMaxAgeSeconds * 1000,
    cooldownDuration: config.jwksCooldownSeconds * 1000,
    timeoutDuration: config.jwksTimeoutMs,
  })
  return async (token) => {
    let payload: JWTPayload
    try {
      ;({ payload } = await jwtVerify(token, keys, {
        issuer: config.issuer,
        audience: config.audiences,
        algorithms: [...PROVIDER_ALGORITHMS],
        clockTolerance: config.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
      }))
    } catch (err) {
      if (err instanceof errors.JWTExpired) return { ok: false, reason: 'expired' }
      if (providerUnreachable(err)) return { ok: false, reason: 'unavailable' }
      const code = (err as { code?: string }).code ?? 'ERR_JOSE'
      return { ok: false, reason: 'invalid', detail: code }
    }
    const mapped = claimsFromProvider(payload, config)
    return mapped.ok ? mapped : { ok: false, reason: 'invalid', detail: mapped.detail }
  }
}
