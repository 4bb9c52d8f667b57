/**
 * What the directory indexes a customer by, and how a search query maps onto those indexes: both
 * stores derive their keys here, so SQLite and PostgreSQL find the same customers.
 */

/** The country code a national number (typed with a leading 0, or without it) is completed with. */
export const COUNTRY_CODE = '94'

/** Digits a suffix search needs, so that "4567" finds a number but "94" does not match every tenth one. */
const SUFFIX_MIN_DIGITS = 4

/** Letters, digits and the combining marks of Sinhala and Tamil make words; anything else separates them. */
const WORD_SEPARATOR = /[^\p{L}\p{N}\p{M}]+/u

/** What may start a customer id (http/customers.ts `customerIdSchema`), so a query can be an id prefix. */
const ID_PREFIX = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/** A query that is a phone number as people type one: digits, spaces, +, -, dots and brackets. */
const PHONE_QUERY = /^[+\d\s().-]+$/

export function digitsOf(s: string): string {
  return s.replace(/\D/g, '')
}

/** The digits read backwards: a suffix search is a prefix search on this. */
export function reversedDigits(phone: string): string {
  return [...digitsOf(phone)].reverse().join('')
}

/** The distinct lower-case words of a name, each indexed for "a word of the name starts with". */
export function nameWords(name: string): string[] {
  return [
    ...new Set(
      name
        .toLowerCase()
        .split(WORD_SEPARATOR)
        .filter((w) => w !== ''),
    ),
  ]
}

/** The strings a prefix range on a column starts from and stays below: `lo <= v < hi`. */
export interface PrefixRange {
  lo: string
  hi: string
}

/** Every string starting with `prefix` sorts at or after it and before it followed by U+FFFF (byte order). */
export function prefixRange(prefix: string): PrefixRange {
  return { lo: prefix, hi: `${prefix}\uffff` }
}

/**
 * How a query is looked up: each part an index range, each read for at most `limit` rows; a
 * substring scan only when none of them found anything.
 */
export interface SearchPlan {
  /** Case-insensitive id prefix (lower case), when the query could start an id. */
  idPrefix?: string
  /** Digit prefixes of the stored number: as typed, and as the national or international form. */
  phonePrefixes: string[]
  /** Reversed digits, for a number typed by its last digits. */
  phoneSuffix?: string
  /**
   * The query's words (none for a phone number), each a word prefix of names; with several, the
   * one with the fewest names drives and the names found must hold the whole query.
   */
  words: string[]
  /** The whole query lower-cased: a multi-word query keeps only names that contain it. */
  lowered: string
}

export function searchPlan(q: string): SearchPlan {
  const lowered = q.toLowerCase()
  const plan: SearchPlan = { phonePrefixes: [], words: [], lowered }
  if (q === '' || ID_PREFIX.test(q)) plan.idPrefix = lowered
  const digits = digitsOf(q)
  if (digits !== '' && PHONE_QUERY.test(q)) {
    const prefixes = new Set([digits])
    if (digits.startsWith('0')) {
      if (digits.length > 1) prefixes.add(COUNTRY_CODE + digits.slice(1))
    } else if (digits.startsWith(COUNTRY_CODE)) {
      if (digits.length > COUNTRY_CODE.length) prefixes.add(`0${digits.slice(COUNTRY_CODE.length)}`)
    } else {
      // A national number typed without its leading 0: 771234567 is +94 77 123 4567.
      prefixes.add(COUNTRY_CODE + digits)
    }
    plan.phonePrefixes = [...prefixes]
    if (digits.length >= SUFFIX_MIN_DIGITS) plan.phoneSuffix = reversedDigits(digits)
  } else {
    const words = nameWords(q)
    // A lone letter (the C of C-0001, an initial) starts a word of half the names: not a driver.
    const strong = words.filter((w) => w.length > 1)
    plan.words = strong.length > 0 ? strong : words
  }
  return plan
}

/**
 * Names a word's prefix range is counted up to when choosing which word of a multi-word query
 * drives (the fewest; of equals, the longest word); a driver with fewer is read whole, so the
 * answer is exact, else its first this many are.
 */
export const WORD_CANDIDATES = 5000

/** The word of a multi-word query to read names by, from each word's (capped) count. */
export function drivingWord(
  counts: readonly { word: string; n: number }[],
): { word: string; n: number } | undefined {
  let best: { word: string; n: number } | undefined
  for (const c of counts) {
    if (!best || c.n < best.n || (c.n === best.n && c.word.length > best.word.length)) best = c
  }
  return best
}

/** Whether a name found by one of its words also holds the whole (multi-word) query. */
export function nameHolds(name: string, plan: SearchPlan): boolean {
  return name.toLowerCase().includes(plan.lowered)
}

/** Found rows of every part, once each, in id order, at most `limit`. */
export function mergeFound<T extends { id: string }>(parts: readonly (readonly T[])[], limit: number): T[] {
  const byId = new Map<string, T>()
  for (const part of parts) for (const row of part) if (!byId.has(row.id)) byId.set(row.id, row)
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, limit)
}
