import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto'

/**
 * Endpoint secrets at rest: AES-256-GCM under a key derived (HKDF-SHA256) from a server secret, so
 * a dump of the database alone does not reveal them. A sealed value names the key that sealed it
 * (`<keyId>:<base64 iv|tag|ciphertext>`): after `WEBHOOK_SECRET_KEY` changes, the former key, kept
 * in `WEBHOOK_SECRET_KEY_PREVIOUS`, still opens what it sealed, and each rotation seals anew.
 */

const SALT = 'consent-sync webhook endpoint secrets'
const IV_BYTES = 12
const TAG_BYTES = 16

interface SealingKey {
  id: string
  key: Buffer
}

export interface SecretBox {
  /** The id of the key new secrets are sealed with. */
  readonly keyId: string
  seal(plain: string): string
  /** Throws when the key that sealed it is not known here, or the value was altered. */
  open(sealed: string): string
}

function deriveKey(serverSecret: string): SealingKey {
  const key = Buffer.from(hkdfSync('sha256', serverSecret, SALT, 'aes-256-gcm v1', 32))
  // The id is a hash of the derived key: it tells keys apart without revealing anything of them.
  const id = createHash('sha256').update(key).digest('hex').slice(0, 16)
  return { id, key }
}

/** `current` seals; it and every one of `previous` open. */
export function createSecretBox(current: string, previous: readonly string[] = []): SecretBox {
  const sealing = deriveKey(current)
  const keys = new Map<string, Buffer>([[sealing.id, sealing.key]])
  for (const p of previous) {
    const k = deriveKey(p)
    if (!keys.has(k.id)) keys.set(k.id, k.key)
  }
  return {
    keyId: sealing.id,
    seal(plain) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', sealing.key, iv)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return `${sealing.id}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`
    },
    open(sealed) {
      const [id, data] = sealed.split(':')
      const key = id === undefined ? undefined : keys.get(id)
      if (!key || data === undefined) throw new Error(`no key ${id} to open a webhook secret with`)
      const bytes = Buffer.from(data, 'base64')
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES))
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
      return Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8')
    },
  }
}
