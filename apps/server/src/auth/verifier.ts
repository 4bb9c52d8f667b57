import { decodeProtectedHeader } from 'jose'
import type { AccountGate } from './account-gate'
import type { ProviderVerifier } from './oidc'
import type { TokenVerdict } from './tokens'

/** Verifies any token the server accepts; every HTTP guard, the sync upgrade and the refresh use it. */
export type VerifyToken = (token: string | undefined | null) => Promise<TokenVerdict>

export interface VerifierParts {
  /** The server's own HS256 tokens (auth/tokens.ts `verifyToken`). */
  builtIn(token: string): TokenVerdict
  /** The identity provider's tokens, when OIDC is configured. */
  provider?: ProviderVerifier | undefined
  /** Refuses disabled accounts. */
  gate?: AccountGate | undefined
}

function algorithmOf(token: string): string | undefined {
  try {
    const alg = decodeProtectedHeader(token).alg
    return typeof alg === 'string' ? alg : undefined
  } catch {
    return undefined
  }
}

/**
 * One verifier for both kinds of token, chosen by the header's `alg`: HS256 is only ever checked
 * against the server's own secret, everything else only against the provider's published keys —
 * so neither kind can be passed off as the other.
 */
export function createVerifier(parts: VerifierParts): VerifyToken {
  return async (token) => {
    if (!token) return { ok: false, reason: 'missing' }
    const alg = algorithmOf(token)
    let verdict: TokenVerdict
    if (alg === 'HS256') verdict = parts.builtIn(token)
    else if (alg !== undefined && parts.provider) verdict = await parts.provider(token)
    else verdict = { ok: false, reason: 'invalid' }
    if (verdict.ok && parts.gate && (await parts.gate.disabled(verdict.claims.sub))) {
      return { ok: false, reason: 'disabled' }
    }
    return verdict
  }
}
