import { describe, expect, it } from 'vitest'
import { translator } from './analyticsText'
import type { AgentsAnswer, ConflictsAnswer, WithdrawalsAnswer } from './analyticsTypes'
import { cellOf, type PanelTable, tableCsv } from './panelTable'
import {
  agentsView,
  channelsView,
  conflictListTable,
  conflictsView,
  purposesView,
  timeseriesView,
  type ViewContext,
  withdrawalsView,
} from './panelViews'
import { CHANNELS, PURPOSES, TIMESERIES } from './testAnswers'

const ctx = (lang: 'en' | 'si' | 'ta' = 'en'): ViewContext => ({
  lang,
  t: translator(lang),
  purposeName: (id) => `title of ${id}`,
})

/** RFC 4180 rows, enough for these tests (quoted fields with commas and doubled quotes). */
function parseCsv(text: string): string[][] {
  expect(text.endsWith('\r\n')).toBe(true)
  return text
    .slice(0, -2)
    .split('\r\n')
    .map((line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[1] ?? ''))
    .map((cells) => cells.map((c) => (c.startsWith('"') ? c.slice(1, -1).replaceAll('""', '"') : c)))
}

/** What each CSV line must hold: the column labels, then every row's cells as the table has them. */
function tableLines(table: PanelTable): string[][] {
  return [
    table.columns.map((c) => c.label),
    ...table.rows.map((r) => table.columns.map((c) => String(cellOf(r, c.key).csv ?? ''))),
  ]
}

describe('the panels drawn from the analytics answers', () => {
  it('writes the CSV of each panel exactly as its table rows', () => {
    const tables = [
      purposesView(PURPOSES, ctx()).table,
      timeseriesView(TIMESERIES, ctx()).table,
      channelsView(CHANNELS, ctx()).table,
    ]
    for (const table of tables) expect(parseCsv(tableCsv(table))).toEqual(tableLines(table))
    expect(tableCsv(purposesView(PURPOSES, ctx()).table).split('\r\n').slice(0, 3)).toEqual([
      'Purpose,Customers,Granted,Share granted',
      'Marketing by SMS,40,12,0.3',
      'Sharing with partners (retired),40,fewer than 5,hidden (fewer than 5)',
    ])
  })

  it('shows a suppressed figure as "fewer than {minGroup}" in every language, never as 0; a real 0 as 0', () => {
    const view = purposesView(PURPOSES, ctx())
    const [sms, partners, usage] = view.table.rows
    if (!sms || !partners || !usage) throw new Error('three rows expected')
    expect(cellOf(partners, 'granted')).toEqual({
      text: 'fewer than 5',
      value: null,
      suppressed: true,
      csv: 'fewer than 5',
    })
    expect(cellOf(partners, 'grantedShare').text).toBe('hidden (fewer than 5)')
    expect(cellOf(partners, 'customers').text).toBe('40')
    expect(cellOf(usage, 'granted')).toMatchObject({ text: '0', value: 0, suppressed: false, csv: 0 })
    expect(cellOf(usage, 'grantedShare').text).toBe('0%')
    expect(cellOf(sms, 'grantedShare').text).toBe('30%')

    const si = purposesView(PURPOSES, ctx('si')).table.rows[1]
    const ta = purposesView(PURPOSES, ctx('ta')).table.rows[1]
    expect(si && cellOf(si, 'granted').text).toBe('5කට අඩු')
    expect(ta && cellOf(ta, 'granted').text).toBe('5க்கும் குறைவு')
    // A purpose without a Sinhala title falls back to English; the column labels are translated.
    expect(si && cellOf(si, 'purpose').text).toBe('Sharing with partners (විශ්‍රාම ගත්)')
    expect(purposesView(PURPOSES, ctx('ta')).table.columns[1]?.label).toBe('வாடிக்கையாளர்கள்')
  })

  it('writes the minGroup the server answered, not a fixed 5', () => {
    const view = channelsView({ ...CHANNELS, minGroup: 10 }, ctx())
    expect(view.table.rows[1] && cellOf(view.table.rows[1], 'withdrawals').text).toBe('fewer than 10')
  })

  it('neutralises a CSV cell a spreadsheet would run, as the audit export does', () => {
    const agents: AgentsAnswer = {
      from: '2026-11-04',
      to: '2026-12-03',
      asOf: 3,
      generatedAt: '2026-12-03T10:00:00.000Z',
      rows: [
        { actorId: '=HYPERLINK("http://x","y")', decisions: 4, withEvidence: 3, evidenceShare: 0.75 },
        { actorId: '@csr1', decisions: 0, withEvidence: 0, evidenceShare: null },
      ],
    }
    const lines = tableCsv(agentsView(agents, ctx()).table).split('\r\n')
    expect(lines[1]).toBe(`"'=HYPERLINK(""http://x"",""y"")",4,3,0.75`)
    expect(lines[2]).toBe(`"'@csr1",0,0,`)
  })

  it('labels the channel rows by channel and who decided, and charts grants, withdrawals and renewals', () => {
    const view = channelsView(CHANNELS, ctx())
    expect(view.table.rows.map((r) => [cellOf(r, 'channel').text, cellOf(r, 'decider').text])).toEqual([
      ['Web', 'Customer'],
      ['Phone', 'Agent'],
    ])
    expect(view.chart).toEqual({
      kind: 'bars',
      label: ['channel', 'decider'],
      series: ['grants', 'withdrawals', 'renewals'],
      unit: 'count',
    })
    expect(channelsView({ ...CHANNELS, rows: [] }, ctx()).empty).toBe(true)
  })

  it('heads the withdrawals with N days and sums them up above the table', () => {
    const answer: WithdrawalsAnswer = {
      asOf: 1,
      generatedAt: '2026-12-03T10:00:00.000Z',
      minGroup: 5,
      from: '2026-11-04',
      to: '2026-12-03',
      withinDays: 7,
      purposeId: null,
      withdrawals: 20,
      withinDaysOfGrant: null,
      share: null,
      suppressed: true,
      byPurpose: [
        { purposeId: 'marketing-sms', withdrawals: 20, withinDaysOfGrant: 0, share: 0, suppressed: false },
      ],
    }
    const view = withdrawalsView(answer, ctx())
    expect(view.table.columns.map((c) => c.label)).toEqual([
      'Purpose',
      'Withdrawals',
      'Within 7 days of a grant',
      'Share within 7 days',
    ])
    expect(view.summary.map((s) => s.cell.text)).toEqual(['20', 'fewer than 5', 'hidden (fewer than 5)'])
  })

  it('gives the conflicts by purpose, the closed ones in hours, and the list only when the server sent it', () => {
    const answer: ConflictsAnswer = {
      asOf: 1,
      generatedAt: '2026-12-03T10:00:00.000Z',
      minGroup: 5,
      open: 6,
      byPurpose: [
        { purposeId: 'marketing-sms', open: 6, suppressed: false },
        { purposeId: 'marketing-email', open: null, suppressed: true },
      ],
      closed: { from: '2026-11-04', to: '2026-12-03', count: 3, medianHours: 1.5, p90Hours: null },
    }
    const view = conflictsView(answer, ctx())
    expect(view.summary.map((s) => s.cell.text)).toEqual(['6', '3', '1.5 h', 'none'])
    expect(conflictListTable(answer, ctx())).toBeNull()
    const list = conflictListTable(
      {
        ...answer,
        list: [
          {
            customerId: 'C-0003',
            purposeId: 'marketing-sms',
            openedAt: '2026-12-02T08:15:00.000Z',
            openHours: 26,
          },
        ],
      },
      ctx(),
    )
    expect(list?.rows.map((r) => list.columns.map((c) => cellOf(r, c.key).text))).toEqual([
      ['C-0003', 'title of marketing-sms', '2026-12-02 08:15', '26 h'],
    ])
    expect(conflictsView({ ...answer, open: 0, byPurpose: [] }, ctx()).empty).toBe(true)
  })
})
