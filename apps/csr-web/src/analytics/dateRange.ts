/** UTC calendar days (`YYYY-MM-DD`), as the analytics API counts them; both ends inclusive. */
export interface DateRange {
  from: string
  to: string
}

/** The longest range the server answers (its 400 names the field otherwise). */
export const MAX_RANGE_DAYS = 3660
/** The server's default: the 30 days up to today. */
export const DEFAULT_RANGE_DAYS = 30

const DAY_MS = 86_400_000
const DAY = /^\d{4}-\d{2}-\d{2}$/

/** Milliseconds of a day's UTC midnight, or null when `day` is not a real calendar day. */
function dayMs(day: string): number | null {
  if (!DAY.test(day)) return null
  const ms = Date.parse(`${day}T00:00:00Z`)
  // Date.parse rolls 2026-02-30 over to March: a real day prints back as itself.
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day ? null : ms
}

export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10)
}

export function addDays(day: string, days: number): string {
  const ms = dayMs(day)
  if (ms === null) throw new Error(`addDays: ${day} is not a day`)
  return new Date(ms + days * DAY_MS).toISOString().slice(0, 10)
}

/** What the screen opens with, the server's own default: today (UTC) and the 29 days before. */
export function defaultRange(now: Date = new Date()): DateRange {
  const to = todayUtc(now)
  return { from: addDays(to, -(DEFAULT_RANGE_DAYS - 1)), to }
}

export type RangeProblem = 'not-a-day' | 'from-after-to' | 'too-long'

export type RangeCheck = { ok: true } | { ok: false; reason: RangeProblem; field: keyof DateRange }

/** Whether the server would answer `range`; a refusal names the input to fix, as the server's 400 does. */
export function checkRange(range: DateRange): RangeCheck {
  const from = dayMs(range.from)
  if (from === null) return { ok: false, reason: 'not-a-day', field: 'from' }
  const to = dayMs(range.to)
  if (to === null) return { ok: false, reason: 'not-a-day', field: 'to' }
  if (from > to) return { ok: false, reason: 'from-after-to', field: 'from' }
  if ((to - from) / DAY_MS + 1 > MAX_RANGE_DAYS) return { ok: false, reason: 'too-long', field: 'from' }
  return { ok: true }
}

export const MAX_WITHIN_DAYS = MAX_RANGE_DAYS

/** "Within N days of a grant": a whole number of days, 1 or more; null when the text is not one. */
export function parseWithinDays(text: string): number | null {
  if (!/^\d{1,4}$/.test(text.trim())) return null
  const n = Number(text.trim())
  return n >= 1 && n <= MAX_WITHIN_DAYS ? n : null
}
