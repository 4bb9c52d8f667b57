import { digest } from 'lib0/hash/sha256'

const encoder = new TextEncoder()

/** SHA-256 as lowercase hex, the same in browsers and Node (lib0's pure implementation). */
export function sha256Hex(data: Uint8Array | string): string {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data
  let out = ''
  for (const b of digest(bytes)) out += b.toString(16).padStart(2, '0')
  return out
}

/** Sorted key orders by object shape: audit entries all share one, so it is sorted once. */
const sortedKeys = new Map<string, string[]>()

function keysInOrder(value: object): string[] {
  const keys = Object.keys(value)
  const shape = keys.join('\u0000')
  let sorted = sortedKeys.get(shape)
  if (!sorted) {
    sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    if (sortedKeys.size < 256) sortedKeys.set(shape, sorted)
  }
  return sorted
}

/** JSON with object keys sorted at every level: one byte string per value (SPEC 5.1). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const record = value as Record<string, unknown>
  let out = ''
  for (const k of keysInOrder(record)) {
    const v = record[k]
    if (v === undefined) continue
    out += `${out === '' ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`
  }
  return `{${out}}`
}
