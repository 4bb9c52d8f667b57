import { describe, expect, it } from 'vitest'
import { CloseCode, closeReason, isPermanentClose, rejectedRule } from './close-codes'

describe('close codes (SPEC 3)', () => {
  it('are permanent in 4400–4499 and transient elsewhere (SPEC 3.1)', () => {
    const permanent = Object.entries(CloseCode)
      .filter(([, code]) => isPermanentClose(code))
      .map(([name]) => name)
    expect(permanent).toEqual(['Malformed', 'Unauthorized', 'Forbidden', 'NotFound', 'TooLarge', 'Rejected'])
    expect(isPermanentClose(CloseCode.RateLimited)).toBe(false)
    expect(isPermanentClose(CloseCode.SlowReader)).toBe(false)
    expect(isPermanentClose(1000)).toBe(false)
  })

  it('cut reasons to 123 bytes of UTF-8 at a character (SPEC 3.2)', () => {
    expect(closeReason('short')).toBe('short')
    const sinhala = 'ඔබේ කැමැත්ත '.repeat(20)
    const cut = closeReason(sinhala)
    expect(new TextEncoder().encode(cut).byteLength).toBeLessThanOrEqual(123)
    expect(cut.endsWith('…')).toBe(true)
    expect(sinhala.startsWith(cut.slice(0, -1))).toBe(true)
    const exact = 'x'.repeat(123)
    expect(closeReason(exact)).toBe(exact)
  })

  it('name the rule of a 4422 before its first colon (SPEC 3.3)', () => {
    expect(rejectedRule('actor-mismatch: decision d names actor customer:C-0002')).toBe('actor-mismatch')
    expect(rejectedRule('')).toBe('rejected')
  })
})
