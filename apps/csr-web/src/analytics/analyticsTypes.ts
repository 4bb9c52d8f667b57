import type { Channel, Language } from '@consent-sync/consent-core'

/**
 * The answers of `GET /api/analytics/*`, as the analytics contract gives them. A count a group too
 * small to show (1..minGroup−1) arrives as `null` with `suppressed: true` on its row.
 */
export type Figure = number | null

/** What every answer carries: the outbox seq its figures include, when it was made, the k-anonymity floor. */
export interface AnswerStamp {
  asOf: number
  /** Changes stored but not counted yet (a long catch-up going on); 0 or absent otherwise. */
  pending?: number
  generatedAt: string
  minGroup: number
}

export interface PurposeFigures {
  purposeId: string
  title: Record<Language, string>
  status: 'active' | 'retired'
  defaultState: string
  customers: Figure
  granted: Figure
  grantedShare: Figure
  suppressed: boolean
}

export interface PurposesAnswer extends AnswerStamp {
  at: string | null
  purposes: PurposeFigures[]
}

export type Interval = 'day' | 'week'

export interface TimePoint {
  start: string
  end: string
  customers: Figure
  granted: Figure
  grantedShare: Figure
  grants: Figure
  withdrawals: Figure
  suppressed: boolean
}

export interface TimeseriesAnswer extends AnswerStamp {
  purposeId: string
  interval: Interval
  from: string
  to: string
  points: TimePoint[]
}

export type Decider = 'customer' | 'agent'

export interface ChannelRow {
  channel: Channel
  decider: Decider
  grants: Figure
  withdrawals: Figure
  renewals: Figure
  suppressed: boolean
}

export interface ChannelsAnswer extends AnswerStamp {
  from: string
  to: string
  purposeId: string | null
  rows: ChannelRow[]
}

export interface WithdrawalFigures {
  withdrawals: Figure
  withinDaysOfGrant: Figure
  share: Figure
  suppressed: boolean
}

export interface WithdrawalsAnswer extends AnswerStamp, WithdrawalFigures {
  from: string
  to: string
  withinDays: number
  purposeId: string | null
  byPurpose: (WithdrawalFigures & { purposeId: string })[]
}

export interface OpenConflict {
  customerId: string
  purposeId: string
  openedAt: string
  openHours: number
}

export interface ConflictsAnswer extends AnswerStamp {
  open: number
  byPurpose: { purposeId: string; open: Figure; suppressed: boolean }[]
  closed: { from: string; to: string; count: number; medianHours: number | null; p90Hours: number | null }
  /** Only for administrators and auditors: the open conflicts, oldest first, at most 200. */
  list?: OpenConflict[]
}

export interface LifecycleRow {
  purposeId: string
  expired: Figure
  voided: Figure
  retired: Figure
  renewals: Figure
  suppressed: boolean
}

export interface LifecycleAnswer extends AnswerStamp {
  from: string
  to: string
  rows: LifecycleRow[]
}

export interface AgentRow {
  actorId: string
  decisions: number
  withEvidence: number
  evidenceShare: number | null
}

/** No `minGroup`: agents are staff, counted by name, never suppressed. */
export interface AgentsAnswer {
  from: string
  to: string
  asOf: number
  generatedAt: string
  rows: AgentRow[]
}
