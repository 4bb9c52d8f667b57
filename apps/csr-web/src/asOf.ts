/**
 * The "as of" instant of the audit view. A `datetime-local` input gives the browser's wall-clock
 * time without an offset; the server wants RFC 3339, so the browser's offset at that time is added.
 */

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0')

/** `2026-11-02T10:30` (local) as `2026-11-02T10:30:00+05:30`; undefined when not a local date-time. */
export function rfc3339OfLocal(value: string): string | undefined {
  const m = LOCAL.exec(value)
  if (!m) return undefined
  const [, y, mo, d, h, mi, s = '00', ms] = m
  const date = new Date(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    Number(ms ?? 0),
  )
  // A time the clocks skipped (a DST gap) or a day that does not exist moves: refuse it.
  if (
    date.getFullYear() !== Number(y) ||
    date.getMonth() !== Number(mo) - 1 ||
    date.getDate() !== Number(d)
  ) {
    return undefined
  }
  const offset = -date.getTimezoneOffset()
  const zone =
    offset === 0 ? 'Z' : `${offset > 0 ? '+' : '-'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`
  const fraction = ms ? `.${ms.padEnd(3, '0')}` : ''
  return `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${fraction}${zone}`
}

/** An instant as a `datetime-local` value in the browser's zone, to the second (the input's `max`). */
export function localInputOf(ms: number): string {
  const d = new Date(ms)
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

/**
 * The audit query's exclusive `to` that keeps the entries received at or before `at`: one
 * millisecond later, as the server stores receive times to the millisecond.
 */
export function auditBoundOf(at: string): string | undefined {
  const ms = Date.parse(at)
  return Number.isNaN(ms) ? undefined : new Date(ms + 1).toISOString()
}
