import { digest } from 'lib0/hash/sha256'

const encoder = new TextEncoder()

/** SHA-256 as lowercase hex, the same in browsers and Node (lib0's pure implementation). */
export function sha256Hex(data: Uint8Array | string): string {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data
  let out = ''
  for (const b of digest(bytes)) out += b.toString(16).padStart(2, '0')
  return out
}

/** JSON with object keys sorted at every level: one byte string per value (SPEC 5.1). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}
