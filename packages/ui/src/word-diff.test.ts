import { describe, expect, it } from 'vitest'
import { type DiffPart, wordDiff } from './word-diff'

const spell = (parts: DiffPart[], side: 'before' | 'after') =>
  parts
    .filter((p) => p.kind === 'same' || p.kind === (side === 'before' ? 'removed' : 'added'))
    .map((p) => p.text)
    .join('')

describe('wordDiff', () => {
  it('marks the words only one text has, and spells both texts back exactly', () => {
    const before = 'We may send you news by SMS, at most a few times a week.'
    const after = 'We may send you news and offers by SMS or RCS, at most a few times a week.'
    const parts = wordDiff(before, after)
    expect(spell(parts, 'before')).toBe(before)
    expect(spell(parts, 'after')).toBe(after)
    const added = parts.filter((p) => p.kind === 'added').map((p) => p.text.trim())
    expect(added.join(' ')).toContain('offers')
    expect(added.join(' ')).toContain('RCS,')
    expect(parts.filter((p) => p.kind === 'removed').map((p) => p.text.trim())).toEqual(['SMS,'])
  })

  it('finds nothing changed in equal texts, and all changed against an empty one', () => {
    expect(wordDiff('a b c', 'a b c')).toEqual([{ kind: 'same', text: 'a b c' }])
    expect(wordDiff('', 'new text')).toEqual([{ kind: 'added', text: 'new text' }])
    expect(wordDiff('old text', '')).toEqual([{ kind: 'removed', text: 'old text' }])
  })

  it('works word by word in Sinhala and Tamil too', () => {
    const parts = wordDiff('අපි ඔබට කෙටි පණිවිඩ එවිය හැකිය', 'අපි ඔබට කෙටි පණිවිඩ සහ ඇමතුම් එවිය හැකිය')
    expect(parts.filter((p) => p.kind === 'added').map((p) => p.text.trim())).toEqual(['සහ ඇමතුම්'])
    const ta = wordDiff('குறுஞ்செய்தி மூலம் அனுப்பலாம்', 'மின்னஞ்சல் மூலம் அனுப்பலாம்')
    expect(ta.filter((p) => p.kind !== 'same').map((p) => [p.kind, p.text])).toEqual([
      ['removed', 'குறுஞ்செய்தி '],
      ['added', 'மின்னஞ்சல் '],
    ])
  })
})
