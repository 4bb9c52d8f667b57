import type { UserRole } from '@consent-sync/consent-core'
import type { FastifyInstance } from 'fastify'

/** What a token says about its holder (DESIGN.md §6). */
export interface TokenClaims {
  /** The user id: the customer id for customers, the username for staff. */
  sub: string
  role: UserRole
  name: string
  /** Present for customers: the only document they may open. */
  customerId?: string
}

/** Claims of a verified token, with its issue and expiry times (seconds since the epoch). */
export interface VerifiedClaims extends TokenClaims {
  iat: number
  exp: number
  /** The identity provider's issuer, for a provider token (absent: a token this server signed). */
  iss?: string
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: TokenClaims & { iat: number; exp: number }
    user: VerifiedClaims
  }
}

/**
 * Why a token was refused: none given, a bad signature or claims, past its expiry, an account that
 * was disabled since, or an identity provider whose keys could not be fetched (try again).
 */
export type TokenFailure = 'missing' | 'invalid' | 'expired' | 'disabled' | 'unavailable'
export type TokenVerdict =
  | { ok: true; claims: VerifiedClaims }
  | { ok: false; reason: TokenFailure /** What was wrong, for the log and the holder. */; detail?: string }

const ROLES: readonly UserRole[] = ['customer', 'csr', 'admin', 'auditor', 'service']

/** The user a token is issued for (a `UserRecord` fits). */
export interface TokenSubject {
  id: string
  role: UserRole
  name: string
  customerId?: string
}

/** Signs a token for `user` valid for `ttlSeconds` (a negative ttl yields an expired token, for tests). */
export function signToken(
  app: FastifyInstance,
  user: TokenSubject,
  ttlSeconds: number,
): { token: string; expiresAt: string; claims: VerifiedClaims } {
  const iat = Math.floor(Date.now() / 1000)
  const claims: VerifiedClaims = {
    sub: user.id,
    role: user.role,
    name: user.name,
    iat,
    exp: iat + ttlSeconds,
  }
  if (user.customerId !== undefined) claims.customerId = user.customerId
  return { token: app.jwt.sign(claims), expiresAt: new Date(claims.exp * 1000).toISOString(), claims }
}

/** Checks a token's signature, expiry and claim shape. Used by the HTTP guards and the sync upgrade. */
export function verifyToken(app: FastifyInstance, token: string | undefined | null): TokenVerdict {
  if (!token) return { ok: false, reason: 'missing' }
  let decoded: unknown
  try {
    decoded = app.jwt.verify(token)
  } catch (err) {
    const code = (err as { code?: unknown }).code
    return { ok: false, reason: code === 'FAST_JWT_EXPIRED' ? 'expired' : 'invalid' }
  }
  const claims = claimsOf(decoded)
  return claims ? { ok: true, claims } : { ok: false, reason: 'invalid' }
}

/** The claims of a decoded payload, or undefined when it is not one of ours. */
function claimsOf(payload: unknown): VerifiedClaims | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined
  const p = payload as Record<string, unknown>
  const { sub, role, name, customerId, iat, exp } = p
  if (typeof sub !== 'string' || sub === '' || typeof name !== 'string') return undefined
  if (typeof role !== 'string' || !ROLES.includes(role as UserRole)) return undefined
  if (typeof iat !== 'number' || typeof exp !== 'number') return undefined
  if (customerId !== undefined && typeof customerId !== 'string') return undefined
  // A customer token without its customer would open nothing, or everything: refuse it.
  if (role === 'customer' && !customerId) return undefined
  const claims: VerifiedClaims = { sub, role: role as UserRole, name, iat, exp }
  if (customerId !== undefined) claims.customerId = customerId
  return claims
}

/** The token of a request: `Authorization: Bearer …`, or `?token=` where allowed (EventSource, WebSocket). */
export function tokenOf(
  headers: { authorization?: string | undefined },
  query: unknown,
  allowQuery: boolean,
): string | undefined {
  const auth = headers.authorization
  if (auth) {
    const match = /^Bearer\s+(\S+)$/i.exec(auth)
    return match?.[1] ?? auth
  }
  if (allowQuery && typeof query === 'object' && query !== null) {
    const t = (query as Record<string, unknown>).token
    if (typeof t === 'string') return t
  }
  return undefined
}
