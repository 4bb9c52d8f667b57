import { createHash } from 'node:crypto'

/**
 * The namespace of migrated decision ids (a fixed random UUID): the same legacy record always
 * becomes the same decision id, so a re-run finds what it wrote, and no other name space collides.
 */
const LEGACY_NAMESPACE = 'b7d7c0e4-6f4e-4c1a-9a53-2f1d5e0c8a61'

/** An RFC 9562 version 5 UUID (SHA-1, name-based) of `name` in the legacy namespace. */
export function legacyDecisionId(name: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(LEGACY_NAMESPACE.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest()
  const b = hash.subarray(0, 16)
  b[6] = (b[6]! & 0x0f) | 0x50
  b[8] = (b[8]! & 0x3f) | 0x80
  const hex = b.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
