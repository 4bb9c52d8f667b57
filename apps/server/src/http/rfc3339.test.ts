import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { writtenInstant } from '../testing/rfc3339'
import { parseRfc3339 } from './rfc3339'

describe('parseRfc3339', () => {
  it.each([
    ['2016-12-31T23:59:60Z', '2017-01-01T00:00:00.000Z'],
    ['2016-12-31t23:59:60z', '2017-01-01T00:00:00.000Z'],
    ['2016-12-31 23:59:60.5Z', '2017-01-01T00:00:00.500Z'],
    ['2017-01-01T05:29:60+05:30', '2017-01-01T00:00:00.000Z'],
    ['2016-12-31T18:59:60-05:00', '2017-01-01T00:00:00.000Z'],
    ['2026-11-02T15:30:00+05:30', '2026-11-02T10:00:00.000Z'],
    ['2026-11-02T10:00:00-00:00', '2026-11-02T10:00:00.000Z'],
    ['2026-11-02T15:30:00+0530', '2026-11-02T10:00:00.000Z'],
    ['2026-11-02T15:00:00+05', '2026-11-02T10:00:00.000Z'],
    ['2026-11-02T10:00:00.123456789Z', '2026-11-02T10:00:00.124Z'],
    ['2026-11-02T10:00:00.123000000Z', '2026-11-02T10:00:00.123Z'],
    ['2026-11-02T10:00:00.9999Z', '2026-11-02T10:00:01.000Z'],
    ['0000-01-01T00:00:00Z', '0000-01-01T00:00:00.000Z'],
    ['0099-03-01T00:00:00Z', '0099-03-01T00:00:00.000Z'],
    ['2016-02-29T12:00:00Z', '2016-02-29T12:00:00.000Z'],
    // Outside years 0000–9999 once the offset is applied: clamped to the range receive times live in.
    ['0000-01-01T00:00:00+23:59', '0000-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:60Z', '9999-12-31T23:59:59.999Z'],
    ['9999-12-31T23:00:00-05:00', '9999-12-31T23:59:59.999Z'],
    // ajv-formats accepts a leap second written with minutes past 59 when the offset brings it to 23:59 UTC.
    ['2016-12-31T24:00:60+00:01', '2017-01-01T00:00:00.000Z'],
  ])('%s is %s', (text, iso) => {
    expect(parseRfc3339(text)).toEqual({ ok: true, value: iso })
  })

  it.each([
    ['yesterday', 'not-rfc3339'],
    ['2026-11-02T10:00:00', 'not-rfc3339'],
    ['2026-11-02', 'not-rfc3339'],
    ['2026-11-02T10:00Z', 'not-rfc3339'],
    ['+02026-11-02T10:00:00Z', 'not-rfc3339'],
    ['2017-02-29T00:00:00Z', 'no-such-date'],
    ['2026-13-01T00:00:00Z', 'no-such-date'],
    ['2026-04-31T00:00:00Z', 'no-such-date'],
    ['2016-12-31T23:58:60Z', 'no-such-time'],
    ['2016-12-31T23:59:61Z', 'no-such-time'],
    ['2016-12-31T24:00:00Z', 'no-such-time'],
    ['2016-12-31T23:59:59+24:00', 'no-such-time'],
    ['2016-12-31T23:59:59+05:60', 'no-such-time'],
  ])('refuses %s (%s)', (text, reason) => {
    expect(parseRfc3339(text)).toMatchObject({ ok: false, reason })
  })

  it('reads any instant, written in any zone and form, as that instant (rounded up to the ms)', () => {
    fc.assert(
      fc.property(writtenInstant(), ({ text, expected }) => {
        expect(parseRfc3339(text), text).toEqual({ ok: true, value: new Date(expected).toISOString() })
      }),
      { numRuns: 2000 },
    )
  })
})
