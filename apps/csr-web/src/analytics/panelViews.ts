import type { Channel, Language } from '@consent-sync/consent-core'
import type { AnalyticsTextKey, Translate } from './analyticsText'
import type {
  AgentsAnswer,
  ChannelsAnswer,
  ConflictsAnswer,
  Decider,
  LifecycleAnswer,
  PurposesAnswer,
  TimeseriesAnswer,
  WithdrawalsAnswer,
} from './analyticsTypes'
import { type Cell, type Figures, figuresFor } from './cells'
import type { ChartSpec, Column, PanelTable } from './panelTable'

/** What a panel shows of one answer: headline figures, the table, and the chart drawn from that table. */
export interface PanelView {
  summary: readonly { key: string; label: string; cell: Cell }[]
  table: PanelTable
  chart: ChartSpec
  /** Nothing to chart: the panel says so instead of an empty chart. */
  empty: boolean
}

export interface ViewContext {
  lang: Language
  t: Translate
  /** A purpose's title in the reader's language (the catalog's), else its id. */
  purposeName(purposeId: string): string
}

/** Agents' figures are never suppressed (no minGroup in the answer); the floor then is only for the text. */
const NO_FLOOR = 0

const CHANNEL_KEYS: Readonly<Record<Channel, AnalyticsTextKey>> = {
  web: 'channelWeb',
  app: 'channelApp',
  phone: 'channelPhone',
  store: 'channelStore',
  import: 'channelImport',
}
const DECIDER_KEYS: Readonly<Record<Decider, AnalyticsTextKey>> = {
  customer: 'deciderCustomer',
  agent: 'deciderAgent',
}

function columns(t: Translate, spec: readonly [key: string, label: AnalyticsTextKey, numeric: boolean][]) {
  return spec.map(([key, label, numeric]): Column => ({ key, label: t(label), numeric }))
}

function purposeCell(f: Figures, ctx: ViewContext, purposeId: string): Cell {
  return f.text(ctx.purposeName(purposeId))
}

export function purposesView(answer: PurposesAnswer, ctx: ViewContext): PanelView {
  const f = figuresFor(ctx.lang, ctx.t, answer.minGroup)
  return {
    summary: [],
    table: {
      columns: columns(ctx.t, [
        ['purpose', 'colPurpose', false],
        ['customers', 'colCustomers', true],
        ['granted', 'colGranted', true],
        ['grantedShare', 'colShare', true],
      ]),
      rows: answer.purposes.map((p) => {
        const title = p.title[ctx.lang] || p.title.en || p.purposeId
        return {
          key: p.purposeId,
          cells: {
            purpose: f.text(p.status === 'retired' ? `${title} (${ctx.t('retired')})` : title),
            customers: f.count(p.customers, p.suppressed),
            granted: f.count(p.granted, p.suppressed),
            grantedShare: f.share(p.grantedShare, p.suppressed),
          },
        }
      }),
    },
    chart: { kind: 'bars', label: ['purpose'], series: ['grantedShare'], unit: 'share' },
    empty: answer.purposes.length === 0,
  }
}

export function timeseriesView(answer: TimeseriesAnswer, ctx: ViewContext): PanelView {
  const f = figuresFor(ctx.lang, ctx.t, answer.minGroup)
  return {
    summary: [],
    table: {
      columns: columns(ctx.t, [
        ['start', 'colStart', false],
        ['end', 'colEnd', false],
        ['customers', 'colCustomers', true],
        ['granted', 'colGranted', true],
        ['grantedShare', 'colShare', true],
        ['grants', 'colGrants', true],
        ['withdrawals', 'colWithdrawals', true],
      ]),
      rows: answer.points.map((p) => ({
        key: p.start,
        cells: {
          start: f.text(p.start),
          end: f.text(p.end),
          customers: f.count(p.customers, p.suppressed),
          granted: f.count(p.granted, p.suppressed),
          grantedShare: f.share(p.grantedShare, p.suppressed),
          grants: f.count(p.grants, p.suppressed),
          withdrawals: f.count(p.withdrawals, p.suppressed),
        },
      })),
    },
    chart: { kind: 'line', label: ['start'], series: ['grantedShare'], unit: 'share' },
    empty: answer.points.length === 0,
  }
}

export function channelsView(answer: ChannelsAnswer, ctx: ViewContext): PanelView {
  const f = figuresFor(ctx.lang, ctx.t, answer.minGroup)
  return {
    summary: [],
    table: {
      columns: columns(ctx.t, [
        ['channel', 'colChannel', false],
        ['decider', 'colDecider', false],
        ['grants', 'colGrants', true],
        ['withdrawals', 'colWithdrawals', true],
        ['renewals', 'colRenewals', true],
      ]),
      rows: answer.rows.map((r) => ({
        key: `${r.channel}-${r.decider}`,
        cells: {
          channel: f.text(ctx.t(CHANNEL_KEYS[r.channel])),
          decider: f.text(ctx.t(DECIDER_KEYS[r.decider])),
          grants: f.count(r.grants, r.suppressed),
          withdrawals: f.count(r.withdrawals, r.suppressed),
          renewals: f.count(r.renewals, r.suppressed),
        },
      })),
    },
    chart: {
      kind: 'bars',
      label: ['channel', 'decider'],
      series: ['grants', 'withdrawals', 'renewals'],
      unit: 'count',
    },
    empty: answer.rows.length === 0,
  }
}

export function withdrawalsView(answer: WithdrawalsAnswer, ctx: ViewContext): PanelView {
  const f = figuresFor(ctx.lang, ctx.t, answer.minGroup)
  const n = answer.withinDays
  const table: PanelTable = {
    columns: [
      { key: 'purpose', label: ctx.t('colPurpose'), numeric: false },
      { key: 'withdrawals', label: ctx.t('withdrawalsTotal'), numeric: true },
      { key: 'withinDaysOfGrant', label: ctx.t('withdrawalsWithin', { n }), numeric: true },
      { key: 'share', label: ctx.t('withdrawalsShare', { n }), numeric: true },
    ],
    rows: answer.byPurpose.map((p) => ({
      key: p.purposeId,
      cells: {
        purpose: purposeCell(f, ctx, p.purposeId),
        withdrawals: f.count(p.withdrawals, p.suppressed),
        withinDaysOfGrant: f.count(p.withinDaysOfGrant, p.suppressed),
        share: f.share(p.share, p.suppressed),
      },
    })),
  }
  return {
    summary: [
      {
        key: 'withdrawals',
        label: ctx.t('withdrawalsTotal'),
        cell: f.count(answer.withdrawals, answer.suppressed),
      },
      {
        key: 'withinDaysOfGrant',
        label: ctx.t('withdrawalsWithin', { n }),
        cell: f.count(answer.withinDaysOfGrant, answer.suppressed),
      },
      {
        key: 'share',
        label: ctx.t('withdrawalsShare', { n }),
        cell: f.share(answer.share, answer.suppressed),
      },
    ],
    table,
    chart: { kind: 'bars', label: ['purpose'], series: ['withdrawals', 'withinDaysOfGrant'], unit: 'count' },
    empty: table.rows.length === 0 || answer.withdrawals === 0,
  }
}

export function conflictsView(answer: ConflictsAnswer, ctx: ViewContext): PanelView {
  const f = figuresFor(ctx.lang, ctx.t, answer.minGroup)
  return {
    summary: [
      { key: 'open', label: ctx.t('conflictsOpen'), cell: f.count(answer.open, false) },
      { key: 'closed', label: ctx.t('conflictsClosed'), cell: f.count(answer.closed.count, false) },
      { key: 'medianHours', label: ctx.t('conflictsMedian'), cell: f.hours(answer.closed.medianHours) },
      { key: 'p90Hours', label: ctx.t('conflictsP90'), cell: f.hours(answer.closed.p90Hours) },
    ],
    table: {
      columns: columns(ctx.t, [
        ['purpose', 'colPurpose', false],
        ['open', 'colOpen', true],
      ]),
      rows: answer.byPurpose.map((p) => ({
        key: p.purposeId,
        cells: { purpose: purposeCell(f, ctx, p.purposeId), open: f.count(p.open, p.suppressed) },
      })),
    },
    chart: { kind: 'bars', label: ['purpose'], series: ['open'], unit: 'count' },
    empty: answer.byPurpose.length === 0 || answer.open === 0,
  }
}

/** The open conflicts themselves (administrators and auditors only): who, which purpose, since when. */
export function conflictListTable(answer: ConflictsAnswer, ctx: ViewContext): PanelTable | null {
  if (!answer.list) return null
  const f = figuresFor(ctx.lang, ctx.t, answer.minGroup)
  return {
    columns: columns(ctx.t, [
      ['customer', 'colCustomer', false],
      ['purpose', 'colPurpose', false],
      ['openedAt', 'colOpenedAt', false],
      ['openHours', 'colOpenHours', true],
    ]),
    rows: answer.list.map((c) => ({
      key: `${c.customerId}-${c.purposeId}`,
      cells: {
        customer: f.text(c.customerId),
        purpose: purposeCell(f, ctx, c.purposeId),
        openedAt: f.text(c.openedAt.slice(0, 16).replace('T', ' '), c.openedAt),
        openHours: f.hours(c.openHours),
      },
    })),
  }
}

export function lifecycleView(answer: LifecycleAnswer, ctx: ViewContext): PanelView {
  const f = figuresFor(ctx.lang, ctx.t, answer.minGroup)
  const rows = answer.rows.map((r) => ({
    key: r.purposeId,
    cells: {
      purpose: purposeCell(f, ctx, r.purposeId),
      expired: f.count(r.expired, r.suppressed),
      voided: f.count(r.voided, r.suppressed),
      retired: f.count(r.retired, r.suppressed),
      renewals: f.count(r.renewals, r.suppressed),
    },
  }))
  return {
    summary: [],
    table: {
      columns: columns(ctx.t, [
        ['purpose', 'colPurpose', false],
        ['expired', 'colExpired', true],
        ['voided', 'colVoided', true],
        ['retired', 'colRetired', true],
        ['renewals', 'colRenewals', true],
      ]),
      rows,
    },
    chart: {
      kind: 'bars',
      label: ['purpose'],
      series: ['expired', 'voided', 'retired', 'renewals'],
      unit: 'count',
    },
    // All zeros draws an empty chart: say there was nothing instead (a suppressed row is something).
    empty: answer.rows.every((r) => !r.suppressed && !r.expired && !r.voided && !r.retired && !r.renewals),
  }
}

export function agentsView(answer: AgentsAnswer, ctx: ViewContext): PanelView {
  const f = figuresFor(ctx.lang, ctx.t, NO_FLOOR)
  return {
    summary: [],
    table: {
      columns: columns(ctx.t, [
        ['agent', 'colAgent', false],
        ['decisions', 'colDecisions', true],
        ['withEvidence', 'colWithEvidence', true],
        ['evidenceShare', 'colEvidenceShare', true],
      ]),
      rows: answer.rows.map((r) => ({
        key: r.actorId,
        cells: {
          agent: f.text(r.actorId),
          decisions: f.count(r.decisions, false),
          withEvidence: f.count(r.withEvidence, false),
          evidenceShare: f.share(r.evidenceShare, false),
        },
      })),
    },
    chart: { kind: 'bars', label: ['agent'], series: ['decisions', 'withEvidence'], unit: 'count' },
    empty: answer.rows.length === 0,
  }
}
