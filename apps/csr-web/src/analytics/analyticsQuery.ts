import { queryString } from '../apiRequest'
import type { Interval } from './analyticsTypes'
import type { DateRange } from './dateRange'

export const PANELS = [
  'purposes',
  'timeseries',
  'channels',
  'withdrawals',
  'conflicts',
  'lifecycle',
  'agents',
] as const

export type PanelId = (typeof PANELS)[number]

/** What the screen's controls are set to; each panel asks for the part it uses. */
export interface AnalyticsFilters {
  range: DateRange
  /** The purpose over time (required by the server; '' until the catalog has one). */
  timeseriesPurpose: string
  interval: Interval
  /** '' for all purposes. */
  channelsPurpose: string
  withdrawalsPurpose: string
  withinDays: number
}

/** The request of one panel, or null when it cannot be asked yet (no purpose to chart over time). */
export function panelPath(panel: PanelId, filters: AnalyticsFilters): string | null {
  const { from, to } = filters.range
  switch (panel) {
    case 'purposes':
      return '/api/analytics/purposes'
    case 'timeseries':
      return filters.timeseriesPurpose
        ? `/api/analytics/timeseries${queryString({
            purposeId: filters.timeseriesPurpose,
            from,
            to,
            interval: filters.interval,
          })}`
        : null
    case 'channels':
      return `/api/analytics/channels${queryString({ from, to, purposeId: filters.channelsPurpose })}`
    case 'withdrawals':
      return `/api/analytics/withdrawals${queryString({
        from,
        to,
        withinDays: filters.withinDays,
        purposeId: filters.withdrawalsPurpose,
      })}`
    case 'conflicts':
      return `/api/analytics/conflicts${queryString({ from, to })}`
    case 'lifecycle':
      return `/api/analytics/lifecycle${queryString({ from, to })}`
    case 'agents':
      return `/api/analytics/agents${queryString({ from, to })}`
  }
}
