/**
 * RFC 3339 date-times read into instants by hand: `new Date(text)` refuses valid ones (a leap
 * second, `23:59:60Z`) and misreads others (years 0000–0099), and what the query schema's
 * `date-time` format lets through must never become a 500 (DESIGN.md §10).
 */

export type InstantFailure = 'not-rfc3339' | 'no-such-date' | 'no-such-time'

export type InstantVerdict =
  | { ok: true; value: string }
  | { ok: false; reason: InstantFailure; detail: string }

/**
 * What ajv-formats' `date-time` accepts, a little wider: `T`, `t` or a space between date and
 * time, any number of fraction digits, and `Z`, `z`, `±HH:MM`, `±HHMM` or `±HH`.
 */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt\s](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/

const MINUTE_MS = 60_000
const DAY_MINUTES = 24 * 60

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
}

function daysIn(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0
}

/** Milliseconds from the epoch to the start of a UTC day; `Date.UTC` would read years 0–99 as 1900–1999. */
function dayStart(year: number, month: number, day: number): number {
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  return date.getTime()
}

/** Receive times are stored as `toISOString()` text and compared as text: four-digit years only. */
const FIRST_MS = dayStart(0, 1, 1)
const LAST_MS = dayStart(10000, 1, 1) - 1

/**
 * Whole milliseconds of a fraction, rounded up: receive times are stored to the millisecond, so
 * "at or after" and "before" an instant between two milliseconds mean the same as of the next one.
 */
function fractionMs(digits: string): number {
  const whole = Number(digits.slice(0, 3).padEnd(3, '0'))
  return /[1-9]/.test(digits.slice(3)) ? whole + 1 : whole
}

/**
 * Reads an RFC 3339 date-time into the store's form of an instant (`toISOString()`, UTC, to the
 * millisecond). `-00:00` is UTC. A leap second (`23:59:60`, allowed only in the last minute of a
 * UTC day) is read as the instant after `:59`, the first of the next day, as POSIX time has no
 * leap seconds: `2016-12-31T23:59:60.5Z` is `2017-01-01T00:00:00.500Z`. Instants outside years
 * 0000–9999 (reachable through an offset) are clamped to them, a range that holds every receive time.
 */
export function parseRfc3339(text: string): InstantVerdict {
  const m = DATE_TIME.exec(text)
  if (!m) {
    return {
      ok: false,
      reason: 'not-rfc3339',
      detail: 'expected an RFC 3339 date-time such as 2026-11-02T10:00:00Z',
    }
  }
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const sign = m[9] === '-' ? -1 : 1
  const offsetHours = Number(m[10] ?? 0)
  const offsetMinutes = Number(m[11] ?? 0)
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) {
    return { ok: false, reason: 'no-such-date', detail: `${m[1]}-${m[2]}-${m[3]} is not a calendar date` }
  }
  if (offsetHours > 23 || offsetMinutes > 59) {
    return { ok: false, reason: 'no-such-time', detail: 'a time zone offset is at most ±23:59' }
  }
  const offset = sign * (offsetHours * 60 + offsetMinutes)
  const utcMinuteOfDay = hour * 60 + minute - offset
  const leapSecond = second === 60
  const ordinary = hour <= 23 && minute <= 59 && second <= 59
  // A leap second ends a UTC day: its minute is 23:59 UTC, of this day or of the day before.
  const lastMinute = utcMinuteOfDay === DAY_MINUTES - 1 || utcMinuteOfDay === -1
  if (!ordinary && !(leapSecond && lastMinute)) {
    return { ok: false, reason: 'no-such-time', detail: `${m[4]}:${m[5]}:${m[6]} is not a time of day` }
  }
  const ms =
    dayStart(year, month, day) +
    utcMinuteOfDay * MINUTE_MS +
    second * 1000 +
    (m[7] === undefined ? 0 : fractionMs(m[7]))
  return { ok: true, value: new Date(Math.min(Math.max(ms, FIRST_MS), LAST_MS)).toISOString() }
}
