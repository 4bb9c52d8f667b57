import { describe, expect, it } from 'vitest'
import { auditBoundOf, localInputOf, rfc3339OfLocal } from './asOf'

describe('rfc3339OfLocal', () => {
  it('adds the browser offset and names the same instant', () => {
    const text = rfc3339OfLocal('2026-11-02T10:30')
    expect(text).toMatch(/^2026-11-02T10:30:00(Z|[+-]\d{2}:\d{2})$/)
    expect(Date.parse(text!)).toBe(new Date(2026, 10, 2, 10, 30).getTime())
    expect(Date.parse(rfc3339OfLocal('2026-11-02T10:30:15.5')!)).toBe(
      new Date(2026, 10, 2, 10, 30, 15, 500).getTime(),
    )
  })

  it('refuses what is not a local date-time, and days that do not exist', () => {
    expect(rfc3339OfLocal('')).toBeUndefined()
    expect(rfc3339OfLocal('2026-11-02')).toBeUndefined()
    expect(rfc3339OfLocal('2026-02-30T10:00')).toBeUndefined()
  })

  it('round-trips with localInputOf', () => {
    const ms = new Date(2026, 0, 5, 7, 8, 9).getTime()
    expect(localInputOf(ms)).toBe('2026-01-05T07:08:09')
    expect(Date.parse(rfc3339OfLocal(localInputOf(ms))!)).toBe(ms)
  })
})

describe('auditBoundOf', () => {
  it('is one millisecond after the instant, so an entry received exactly then is kept', () => {
    expect(auditBoundOf('2026-11-02T10:30:00+05:30')).toBe('2026-11-02T05:00:00.001Z')
    expect(auditBoundOf('nonsense')).toBeUndefined()
  })
})
