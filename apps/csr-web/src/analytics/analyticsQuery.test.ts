import { describe, expect, it } from 'vitest'
import { type AnalyticsFilters, PANELS, panelPath } from './analyticsQuery'

const FILTERS: AnalyticsFilters = {
  range: { from: '2026-11-04', to: '2026-12-03' },
  timeseriesPurpose: 'marketing-sms',
  interval: 'day',
  channelsPurpose: '',
  withdrawalsPurpose: '',
  withinDays: 30,
}

function query(path: string | null): Record<string, string> {
  if (path === null) throw new Error('no request')
  return Object.fromEntries(new URL(path, 'http://x').searchParams)
}

describe('the analytics requests', () => {
  it('asks the timeseries by day or by week as the toggle says, for the chosen purpose and range', () => {
    expect(query(panelPath('timeseries', FILTERS))).toEqual({
      purposeId: 'marketing-sms',
      from: '2026-11-04',
      to: '2026-12-03',
      interval: 'day',
    })
    expect(query(panelPath('timeseries', { ...FILTERS, interval: 'week' })).interval).toBe('week')
    expect(panelPath('timeseries', { ...FILTERS, timeseriesPurpose: '' })).toBeNull()
  })

  it('sends the purpose filter only when one is chosen, and N days with the withdrawals', () => {
    expect(query(panelPath('channels', FILTERS))).toEqual({ from: '2026-11-04', to: '2026-12-03' })
    expect(query(panelPath('channels', { ...FILTERS, channelsPurpose: 'marketing-email' })).purposeId).toBe(
      'marketing-email',
    )
    expect(query(panelPath('withdrawals', { ...FILTERS, withinDays: 7 }))).toEqual({
      from: '2026-11-04',
      to: '2026-12-03',
      withinDays: '7',
    })
  })

  it('has one route per panel under /api/analytics, the current figures without a range', () => {
    expect(PANELS.map((p) => new URL(panelPath(p, FILTERS) ?? '', 'http://x').pathname)).toEqual(
      PANELS.map((p) => `/api/analytics/${p}`),
    )
    expect(panelPath('purposes', FILTERS)).toBe('/api/analytics/purposes')
    expect(query(panelPath('agents', FILTERS))).toEqual({ from: '2026-11-04', to: '2026-12-03' })
  })
})
