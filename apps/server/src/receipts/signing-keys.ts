import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  importPKCS8,
  importSPKI,
  type JWK,
} from 'jose'

/** What a published key is for: receipts now, transparency-log checkpoints later. */
export type KeyUse = 'receipt' | 'checkpoint'

/** A private key that signs, with the `kid` its signatures carry. */
export interface SigningKey {
  kid: string
  privateKey: CryptoKey
  publicJwk: JWK & { kid: string }
}

/** A public key in the JWKS at `GET /api/keys`. */
export interface PublishedKey extends JWK {
  kid: string
  alg: 'EdDSA'
  use: 'sig'
  /** Which of our signatures it checks (not a JOSE member; verifiers ignore it). */
  key_ops: ['verify']
  'x-consent-sync-use': KeyUse
}

/**
 * The public keys the server publishes at `GET /api/keys`. Each signer adds its keys at start;
 * a verifier picks the key by the `kid` of the signature's header.
 */
export interface KeyRegistry {
  add(use: KeyUse, jwk: JWK & { kid: string }): void
  jwks(): { keys: PublishedKey[] }
}

export function createKeyRegistry(): KeyRegistry {
  const keys = new Map<string, PublishedKey>()
  return {
    add(use, jwk) {
      const { d: _private, ...pub } = jwk
      keys.set(jwk.kid, {
        ...pub,
        kid: jwk.kid,
        alg: 'EdDSA',
        use: 'sig',
        key_ops: ['verify'],
        'x-consent-sync-use': use,
      })
    },
    jwks: () => ({ keys: [...keys.values()] }),
  }
}

/** Why a configured key cannot be used. */
export class SigningKeyProblem extends Error {
  override readonly name = 'SigningKeyProblem'
}

function isEd25519Jwk(value: unknown): value is JWK {
  const jwk = value as JWK
  return typeof value === 'object' && value !== null && jwk.kty === 'OKP' && jwk.crv === 'Ed25519'
}

/** A PEM written on one line with `\n` escapes (as .env files and secret stores often hold it) as its lines. */
function unescaped(text: string): string {
  const t = text.trim()
  return t.startsWith('-----') && !t.includes('\n') ? t.replaceAll('\\n', '\n') : t
}

/** Whether `text` looks like a key this server reads (checked at configuration time, imported at start). */
export function keyTextProblem(text: string): string | undefined {
  const t = unescaped(text)
  if (t.startsWith('{')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(t)
    } catch {
      return 'is not valid JSON'
    }
    return isEd25519Jwk(parsed) ? undefined : 'must be an Ed25519 JWK (kty OKP, crv Ed25519)'
  }
  if (/^-----BEGIN (PRIVATE|PUBLIC) KEY-----/.test(t)) return undefined
  return 'must be an Ed25519 key as a PKCS#8 PEM (-----BEGIN PRIVATE KEY-----) or a JWK'
}

async function publicJwkOf(key: CryptoKey | Uint8Array): Promise<JWK & { kid: string }> {
  const { d: _private, ...pub } = await exportJWK(key)
  const jwk = { kty: pub.kty, crv: pub.crv, x: pub.x } as JWK
  return { ...jwk, kid: await calculateJwkThumbprint(jwk) }
}

/** A private key from a PKCS#8 PEM or a private JWK; its `kid` is the RFC 7638 thumbprint unless the JWK names one. */
export async function signingKeyFrom(text: string): Promise<SigningKey> {
  const t = unescaped(text)
  let privateKey: CryptoKey
  let named: string | undefined
  if (t.startsWith('{')) {
    const jwk = JSON.parse(t) as JWK
    if (!isEd25519Jwk(jwk) || !jwk.d) throw new SigningKeyProblem('must be a private Ed25519 JWK (with d)')
    named = jwk.kid
    privateKey = (await importJWK({ ...jwk, alg: 'EdDSA' }, 'EdDSA', { extractable: true })) as CryptoKey
  } else {
    if (!t.startsWith('-----BEGIN PRIVATE KEY-----'))
      throw new SigningKeyProblem('must be a PKCS#8 private key')
    privateKey = await importPKCS8(t, 'EdDSA', { extractable: true })
  }
  const publicJwk = await publicJwkOf(privateKey)
  const kid = named ?? publicJwk.kid
  return { kid, privateKey, publicJwk: { ...publicJwk, kid } }
}

/** The public half of a retired key (a private key is accepted too: only its public half is kept). */
export async function verifyingKeyFrom(text: string): Promise<JWK & { kid: string }> {
  const t = unescaped(text)
  if (t.startsWith('{')) {
    const jwk = JSON.parse(t) as JWK
    if (!isEd25519Jwk(jwk)) throw new SigningKeyProblem('must be an Ed25519 JWK')
    const pub = { kty: jwk.kty, crv: jwk.crv, x: jwk.x } as JWK
    return { ...pub, kid: jwk.kid ?? (await calculateJwkThumbprint(pub)) }
  }
  if (t.startsWith('-----BEGIN PUBLIC KEY-----'))
    return publicJwkOf(await importSPKI(t, 'EdDSA', { extractable: true }))
  return (await signingKeyFrom(t)).publicJwk
}

/** Where demo mode keeps its receipt key: next to the SQLite file. */
export function demoKeyFile(databasePath: string): string {
  return path.join(path.dirname(databasePath), 'receipt-signing-key.jwk')
}

/**
 * The key kept next to the SQLite file in demo mode: generated on first start, read on the next,
 * so receipts issued yesterday still verify today. Readable by the owner only.
 */
export async function demoSigningKey(databasePath: string): Promise<SigningKey> {
  if (databasePath === ':memory:') return freshSigningKey()
  const file = demoKeyFile(databasePath)
  if (existsSync(file)) return signingKeyFrom(await readFile(file, 'utf8'))
  const key = await freshSigningKey()
  await mkdir(path.dirname(file), { recursive: true })
  const jwk = { ...(await exportJWK(key.privateKey)), kid: key.kid }
  await writeFile(file, `${JSON.stringify(jwk)}\n`, { mode: 0o600, flag: 'wx' }).catch(async (err) => {
    // Another process on the same file wrote it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  })
  await chmod(file, 0o600).catch(() => {})
  return signingKeyFrom(await readFile(file, 'utf8'))
}

export async function freshSigningKey(): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
  const publicJwk = await publicJwkOf(privateKey)
  return { kid: publicJwk.kid, privateKey, publicJwk }
}
