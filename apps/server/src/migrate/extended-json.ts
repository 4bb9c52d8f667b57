import type { Result } from '@consent-sync/consent-core'

/**
 * MongoDB Extended JSON (v2) as `mongoexport` writes it, in relaxed or canonical mode, turned into
 * plain values: `{"$oid": h}` → `h`; `{"$date": iso}`, `{"$date": ms}` and
 * `{"$date": {"$numberLong": "ms"}}` → an ISO 8601 string in UTC; `$numberInt`, `$numberLong`,
 * `$numberDouble` → numbers. Any other `$`-wrapper is refused, not passed on as data.
 */
export function unwrapExtendedJson(value: unknown, path = ''): Result<unknown, 'extended-json'> {
  if (Array.isArray(value)) {
    const out: unknown[] = []
    for (const [i, item] of value.entries()) {
      const r = unwrapExtendedJson(item, `${path}[${i}]`)
      if (!r.ok) return r
      out.push(r.value)
    }
    return { ok: true, value: out }
  }
  if (typeof value !== 'object' || value === null) return { ok: true, value }
  const o = value as Record<string, unknown>
  const keys = Object.keys(o)
  const wrapper = keys.find((k) => k.startsWith('$'))
  if (wrapper !== undefined) return unwrapValue(o, keys, path || 'the value')
  const out: Record<string, unknown> = {}
  for (const k of keys) {
    const r = unwrapExtendedJson(o[k], path ? `${path}.${k}` : k)
    if (!r.ok) return r
    out[k] = r.value
  }
  return { ok: true, value: out }
}

function unwrapValue(
  o: Record<string, unknown>,
  keys: string[],
  path: string,
): Result<unknown, 'extended-json'> {
  const bad = (detail: string) => ({ ok: false as const, reason: 'extended-json' as const, detail })
  if (keys.length !== 1) return bad(`${path}: a ${keys.join('/')} wrapper must have one key`)
  const [key] = keys as [string]
  const inner = o[key]
  switch (key) {
    case '$oid':
      return typeof inner === 'string' && /^[0-9a-fA-F]{24}$/.test(inner)
        ? { ok: true, value: inner.toLowerCase() }
        : bad(`${path}: $oid must be 24 hex digits`)
    case '$date': {
      const iso = dateOf(inner)
      return iso === null ? bad(`${path}: $date is not a date`) : { ok: true, value: iso }
    }
    case '$numberInt':
    case '$numberLong':
    case '$numberDouble': {
      const n = typeof inner === 'string' ? Number(inner) : Number.NaN
      return Number.isFinite(n) ? { ok: true, value: n } : bad(`${path}: ${key} is not a number`)
    }
    default:
      return bad(`${path}: ${key} is not a supported extended-JSON type`)
  }
}

/** The instant a `$date` holds, as ISO 8601 UTC; null when it holds none. */
function dateOf(inner: unknown): string | null {
  let ms: number
  if (typeof inner === 'string') ms = Date.parse(inner)
  else if (typeof inner === 'number') ms = inner
  else if (
    typeof inner === 'object' &&
    inner !== null &&
    Object.keys(inner).length === 1 &&
    typeof (inner as { $numberLong?: unknown }).$numberLong === 'string' &&
    /^-?\d+$/.test((inner as { $numberLong: string }).$numberLong)
  )
    ms = Number((inner as { $numberLong: string }).$numberLong)
  else return null
  // Years 0–9999 only: past them toISOString() writes a form that is not ISO 8601's basic one.
  if (!Number.isFinite(ms) || ms < -62_167_219_200_000 || ms > 253_402_300_799_999) return null
  return new Date(ms).toISOString()
}
