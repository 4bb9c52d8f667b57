import { describe, expect, it } from 'vitest'
import { addDays, checkRange, defaultRange, MAX_RANGE_DAYS, parseWithinDays, todayUtc } from './dateRange'

describe('the analytics date range', () => {
  it('opens on the server default: today in UTC and the 29 days before, both inclusive', () => {
    // 23:30 in Colombo on 3 Dec is still 3 Dec in UTC; 00:30 on 4 Dec in Colombo is 3 Dec 19:00 UTC.
    expect(defaultRange(new Date('2026-12-03T18:59:00Z'))).toEqual({ from: '2026-11-04', to: '2026-12-03' })
    expect(todayUtc(new Date('2026-12-03T23:59:59.999Z'))).toBe('2026-12-03')
    expect(defaultRange(new Date('2026-03-01T00:00:00Z'))).toEqual({ from: '2026-01-31', to: '2026-03-01' })
  })

  it('counts calendar days across a month and a leap day', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29')
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29')
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
  })

  it('refuses what the server would refuse, naming the input to fix', () => {
    expect(checkRange({ from: '2026-11-01', to: '2026-11-01' })).toEqual({ ok: true })
    expect(checkRange({ from: '', to: '2026-11-01' })).toEqual({
      ok: false,
      reason: 'not-a-day',
      field: 'from',
    })
    expect(checkRange({ from: '2026-11-01', to: '2026-02-30' })).toEqual({
      ok: false,
      reason: 'not-a-day',
      field: 'to',
    })
    expect(checkRange({ from: '2026-11-02', to: '2026-11-01' })).toEqual({
      ok: false,
      reason: 'from-after-to',
      field: 'from',
    })
    const to = '2026-12-03'
    expect(checkRange({ from: addDays(to, -(MAX_RANGE_DAYS - 1)), to })).toEqual({ ok: true })
    expect(checkRange({ from: addDays(to, -MAX_RANGE_DAYS), to })).toMatchObject({ reason: 'too-long' })
  })

  it('reads "within N days" as a whole number of days, at least one', () => {
    expect(parseWithinDays('30')).toBe(30)
    expect(parseWithinDays(' 7 ')).toBe(7)
    for (const bad of ['', '0', '-3', '2.5', '1e3', 'ten', '99999']) expect(parseWithinDays(bad)).toBeNull()
  })
})
