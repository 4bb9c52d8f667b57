import { createHash } from 'node:crypto'
import {
  CompactSign,
  compactVerify,
  createLocalJWKSet,
  decodeProtectedHeader,
  errors,
  type JSONWebKeySet,
} from 'jose'
import type { ConsentReceipt } from './receipt'
import type { SigningKey } from './signing-keys'

/** The JWS `typ` of a receipt, and of the detached signature over an export bundle's digest. */
export const RECEIPT_TYP = 'consent-receipt+jws'
export const EXPORT_TYP = 'consent-export-digest+jws'

const encoder = new TextEncoder()

/** A compact JWS (RFC 7515), EdDSA over Ed25519, the key's `kid` in the protected header. */
export function signReceipt(receipt: ConsentReceipt, key: SigningKey): Promise<string> {
  return new CompactSign(encoder.encode(JSON.stringify(receipt)))
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: RECEIPT_TYP })
    .sign(key.privateKey)
}

/** What the detached signature of an export signs: the bundle's SHA-256 and whose bundle it is. */
export interface ExportDigest {
  sha256: string
  customerId: string
  createdAt: string
}

export function sha256HexOf(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

export function signDigest(digest: ExportDigest, key: SigningKey): Promise<string> {
  return new CompactSign(encoder.encode(JSON.stringify(digest)))
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: EXPORT_TYP })
    .sign(key.privateKey)
}

export type VerifyFailure = 'malformed' | 'unknown-key' | 'bad-signature' | 'wrong-type'

export type Verified<T> =
  | { ok: true; value: T; kid: string }
  | { ok: false; reason: VerifyFailure; detail: string }

/** Checks a compact JWS against a JWKS (offline: the keys are given). */
export async function verifySigned<T>(jws: string, jwks: JSONWebKeySet, typ: string): Promise<Verified<T>> {
  let kid: string
  try {
    const header = decodeProtectedHeader(jws.trim())
    if (header.alg !== 'EdDSA' || typeof header.kid !== 'string') {
      return { ok: false, reason: 'malformed', detail: 'the header must name alg EdDSA and a kid' }
    }
    if (header.typ !== typ)
      return { ok: false, reason: 'wrong-type', detail: `typ is ${header.typ}, not ${typ}` }
    kid = header.kid
  } catch (err) {
    return { ok: false, reason: 'malformed', detail: (err as Error).message }
  }
  try {
    const { payload } = await compactVerify(jws.trim(), createLocalJWKSet(jwks), { algorithms: ['EdDSA'] })
    return { ok: true, value: JSON.parse(new TextDecoder().decode(payload)) as T, kid }
  } catch (err) {
    if (err instanceof errors.JWKSNoMatchingKey) {
      return { ok: false, reason: 'unknown-key', detail: `no published key has kid ${kid}` }
    }
    if (err instanceof errors.JWSSignatureVerificationFailed) {
      return { ok: false, reason: 'bad-signature', detail: 'the signature does not match the receipt' }
    }
    return { ok: false, reason: 'malformed', detail: (err as Error).message }
  }
}

export const verifyReceipt = (jws: string, jwks: JSONWebKeySet) =>
  verifySigned<ConsentReceipt>(jws, jwks, RECEIPT_TYP)
