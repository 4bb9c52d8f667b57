/** fast-check arbitraries for RFC 3339 date-times (tests only). */
import fc from 'fast-check'

const FIRST_MS = new Date('0000-01-03T00:00:00.000Z').getTime()
const LAST_MS = new Date('9999-12-29T23:59:59.999Z').getTime()

const pad = (n: number, width = 2) => String(n).padStart(width, '0')
/** The remainder of a floored division: the time of day of an instant before 1970 too. */
const mod = (a: number, n: number) => ((a % n) + n) % n

/** `offset` minutes east of UTC as RFC 3339 writes it (`+05:30`), or in ajv's shorter forms. */
function offsetText(offset: number, style: 'colon' | 'bare' | 'hours'): string {
  const sign = offset < 0 ? '-' : '+'
  const hh = pad(Math.floor(Math.abs(offset) / 60))
  const mm = pad(Math.abs(offset) % 60)
  return style === 'colon' ? `${sign}${hh}:${mm}` : style === 'bare' ? `${sign}${hh}${mm}` : `${sign}${hh}`
}

/**
 * An instant written as an RFC 3339 string in some time zone, with extra fraction digits, and
 * the millisecond it must read as. Built from `Date`'s own getters, so the parser is checked
 * against an independent reckoning of calendars and offsets.
 */
export const writtenInstant = (
  // Two days inside years 0000–9999, so that the local time in any zone has a four-digit year.
  instants: fc.Arbitrary<number> = fc.integer({ min: FIRST_MS, max: LAST_MS }),
) =>
  fc
    .record({
      ms: instants,
      offset: fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
      style: fc.constantFrom('colon' as const, 'bare' as const, 'hours' as const),
      separator: fc.constantFrom('T', 't', ' '),
      utc: fc.constantFrom('Z', 'z', '+00:00', '-00:00', null),
      extraDigits: fc.stringMatching(/^\d{0,12}$/),
      leap: fc.boolean(),
    })
    .map(({ ms, offset: rawOffset, style, separator, utc, extraDigits, leap }) => {
      const offset = utc !== null ? 0 : style === 'hours' ? Math.trunc(rawOffset / 60) * 60 : rawOffset
      const zone = utc ?? offsetText(offset, style)
      // A leap second is the last second of a UTC day, written 23:59:60 and read as the next day's first.
      const instant = leap ? ms - mod(ms, 86_400_000) + mod(ms, 1000) : ms
      const local = new Date((leap ? instant - 1000 : instant) + offset * 60_000)
      const seconds = leap ? 60 : local.getUTCSeconds()
      const text =
        `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
        `${separator}${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(seconds)}` +
        `.${pad(local.getUTCMilliseconds(), 3)}${extraDigits}${zone}`
      const expected = instant + (/[1-9]/.test(extraDigits) ? 1 : 0)
      return { text, expected }
    })
