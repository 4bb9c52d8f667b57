// Node's crypto on Node, lib0's elsewhere (package.json "imports"): the same digest either way.
export { sha256Hex } from '#sha256'

/** Sorted key orders by object shape: audit entries all share one, so it is sorted once. */
const sortedKeys = new Map<string, string[]>()

function keysInOrder(value: object): string[] {
  const keys = Object.keys(value)
  // Unambiguous, whatever the keys hold (an empty key, or a separator inside one).
  const shape = JSON.stringify(keys)
  let sorted = sortedKeys.get(shape)
  if (!sorted) {
    sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    if (sortedKeys.size < 256) sortedKeys.set(shape, sorted)
  }
  return sorted
}

const INTEGER_KEY = /^(0|[1-9][0-9]*)$/

/**
 * JSON with object keys sorted at every level: one byte string per value (SPEC 5.1). `omit` leaves
 * out one key of the top-level object (an entry's own `hash`), without copying it.
 */
export function canonicalJson(value: unknown, omit?: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`
  const record = value as Record<string, unknown>
  const keys = keysInOrder(record)
  const flat = flatCopy(record, keys, omit)
  // One native stringify of a copy built in sorted order: what an audit entry (flat) takes.
  if (flat) return JSON.stringify(flat)
  let out = ''
  for (const k of keys) {
    const v = record[k]
    if (v === undefined || k === omit) continue
    out += `${out === '' ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`
  }
  return `{${out}}`
}

/**
 * The object's primitive values under its keys in sorted order, or null when a value is an object
 * or a key looks like an integer (JSON.stringify would put those first, whatever the order).
 */
function flatCopy(record: Record<string, unknown>, keys: readonly string[], omit?: string): object | null {
  // No prototype: a `__proto__` key (JSON.parse makes it an own property) is copied as a key.
  const copy: Record<string, unknown> = Object.create(null)
  for (const k of keys) {
    const v = record[k]
    if (v === undefined || k === omit) continue
    if ((typeof v === 'object' && v !== null) || INTEGER_KEY.test(k)) return null
    copy[k] = v
  }
  return copy
}
