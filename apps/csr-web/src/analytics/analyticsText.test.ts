import { LANGUAGES } from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import { ANALYTICS_TEXT_KEYS, analyticsText } from './analyticsText'

const params = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('the analytics strings', () => {
  it('has every string in Sinhala and Tamil, with the same parameters as the English', () => {
    expect(ANALYTICS_TEXT_KEYS.length).toBeGreaterThan(50)
    const wrong: string[] = []
    for (const key of ANALYTICS_TEXT_KEYS) {
      const english = analyticsText('en', key)
      for (const lang of ['si', 'ta'] as const) {
        const text = analyticsText(lang, key)
        if (!text.trim()) wrong.push(`${lang} ${key}: blank`)
        else if (text === english && !/^[{}\w%]+$/.test(english)) wrong.push(`${lang} ${key}: English`)
        if (params(text).join() !== params(english).join()) wrong.push(`${lang} ${key}: parameters differ`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('fills in parameters, and leaves an unknown one as it is', () => {
    expect(analyticsText('en', 'fewerThan', { n: 5 })).toBe('fewer than 5')
    expect(analyticsText('ta', 'fewerThan', { n: 10 })).toBe('10க்கும் குறைவு')
    expect(analyticsText('en', 'fewerThan')).toBe('fewer than {n}')
    for (const lang of LANGUAGES) expect(params(analyticsText(lang, 'withdrawalsWithin'))).toEqual(['n'])
  })
})
