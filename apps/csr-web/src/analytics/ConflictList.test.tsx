import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { translator } from './analyticsText'
import type { ConflictsAnswer } from './analyticsTypes'
import { ConflictList } from './ConflictList'

const ANSWER: ConflictsAnswer = {
  asOf: 9,
  generatedAt: '2026-12-03T10:00:00.000Z',
  minGroup: 5,
  open: 1,
  byPurpose: [{ purposeId: 'marketing-sms', open: 1, suppressed: false }],
  closed: { from: '2026-11-04', to: '2026-12-03', count: 0, medianHours: null, p90Hours: null },
}
const ctx = { lang: 'en' as const, t: translator('en'), purposeName: (id: string) => `title of ${id}` }

describe('the open conflicts list', () => {
  it('links each customer to their record through the URL hash the customers screen reads', () => {
    const list = [
      {
        customerId: 'C 7/1',
        purposeId: 'marketing-sms',
        openedAt: '2026-12-02T08:15:00.000Z',
        openHours: 26,
      },
    ]
    const html = renderToStaticMarkup(<ConflictList answer={{ ...ANSWER, list }} ctx={ctx} />)
    expect(html).toContain('<a href="#/customer/C%207%2F1" aria-label="Open customer C 7/1">C 7/1</a>')
    expect(html).toContain('title of marketing-sms')
  })

  it('is not there when the server sent no list (a service account) or an empty one', () => {
    expect(renderToStaticMarkup(<ConflictList answer={ANSWER} ctx={ctx} />)).toBe('')
    expect(renderToStaticMarkup(<ConflictList answer={{ ...ANSWER, list: [] }} ctx={ctx} />)).toBe('')
  })
})
