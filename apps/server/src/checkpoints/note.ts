import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto'

/**
 * C2SP signed-note and tlog-checkpoint (docs/checkpoints.md "Format"): the checkpoint body is the
 * origin, the tree size and the base64 root, one per line; the note adds a blank line and one
 * `— <name> <base64(key hash ‖ Ed25519 signature)>` line per signature.
 */

const ED25519 = 0x01
/** The DER header of a PKCS #8 Ed25519 private key, before its 32-byte seed. */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex')
const SIGNATURE_DASH = '\u2014'

export interface NoteSigner {
  readonly name: string
  /** The signed-note verifier key: `<name>+<hex key hash>+<base64(0x01 ‖ public key)>`. */
  readonly verifierKey: string
  readonly publicKey: Buffer
  sign(body: string): string
}

export interface NoteVerifier {
  readonly name: string
  readonly keyHash: Buffer
  readonly publicKey: KeyObject
}

function keyHash(name: string, publicKey: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.from([ED25519]))
    .update(publicKey)
    .digest()
    .subarray(0, 4)
}

export function validKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name)
}

/** A signer from a 32-byte Ed25519 seed. */
export function noteSigner(name: string, seed: Buffer): NoteSigner {
  if (!validKeyName(name)) throw new RangeError(`key name ${JSON.stringify(name)} has a space or a +`)
  if (seed.length !== 32) throw new RangeError('an Ed25519 seed is 32 bytes')
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519, seed]),
    format: 'der',
    type: 'pkcs8',
  })
  const publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-32)
  const hash = keyHash(name, publicKey)
  return {
    name,
    publicKey,
    verifierKey: `${name}+${hash.toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), publicKey]).toString('base64')}`,
    sign(body) {
      const signature = sign(null, Buffer.from(body, 'utf8'), privateKey)
      return `${body}\n${SIGNATURE_DASH} ${name} ${Buffer.concat([hash, signature]).toString('base64')}\n`
    },
  }
}

const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex')

/** Parses a verifier key (`name+hash+base64key`); null when it is not one. */
export function parseVerifierKey(vkey: string): NoteVerifier | null {
  // The base64 key may hold a + of its own: only the first two separate fields.
  const m = /^([^+\s]+)\+([0-9a-fA-F]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey.trim())
  if (!m) return null
  const [, name, hex, key] = m as unknown as [string, string, string, string]
  const raw = Buffer.from(key, 'base64')
  if (!validKeyName(name) || raw.length !== 33 || raw[0] !== ED25519) return null
  const publicKey = raw.subarray(1)
  const hash = keyHash(name, publicKey)
  if (hash.toString('hex') !== hex.toLowerCase()) return null
  return {
    name,
    keyHash: hash,
    publicKey: createPublicKey({
      key: Buffer.concat([SPKI_ED25519, publicKey]),
      format: 'der',
      type: 'spki',
    }),
  }
}

export type NoteProblem = 'malformed' | 'unsigned' | 'bad-signature'

export type OpenedNote = { ok: true; body: string } | { ok: false; reason: NoteProblem; detail: string }

/** The body of a note whose signature by `verifier` checks; signatures by other keys are ignored. */
export function openNote(text: string, verifier: NoteVerifier): OpenedNote {
  const at = text.lastIndexOf('\n\n')
  if (at < 0 || !text.endsWith('\n'))
    return { ok: false, reason: 'malformed', detail: 'no blank line before the signatures' }
  const body = text.slice(0, at + 1)
  const lines = text.slice(at + 2, -1).split('\n')
  let ours = false
  for (const line of lines) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/u.exec(line)
    if (!m) return { ok: false, reason: 'malformed', detail: `not a signature line: ${JSON.stringify(line)}` }
    const raw = Buffer.from(m[2] as string, 'base64')
    if (m[1] !== verifier.name || raw.length < 4 || !raw.subarray(0, 4).equals(verifier.keyHash)) continue
    ours = true
    if (verify(null, Buffer.from(body, 'utf8'), verifier.publicKey, raw.subarray(4)))
      return { ok: true, body }
  }
  return ours
    ? { ok: false, reason: 'bad-signature', detail: `the signature of ${verifier.name} does not check` }
    : { ok: false, reason: 'unsigned', detail: `no signature by ${verifier.name}` }
}
