import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { translator } from '../analyticsText'
import { cellOf, type PanelTable } from '../panelTable'
import { purposesView, timeseriesView, type ViewContext } from '../panelViews'
import { PURPOSES, TIMESERIES } from '../testAnswers'
import { PanelChart } from './PanelChart'

const ctx: ViewContext = { lang: 'en', t: translator('en'), purposeName: (id) => id }

/** What the table holds for each charted cell. */
function tableMarks(table: PanelTable, series: readonly string[]) {
  return table.rows.flatMap((r) =>
    series.map((key) => ({ row: r.key, series: key, value: String(cellOf(r, key).csv ?? '') })),
  )
}

const render = (table: PanelTable, spec: Parameters<typeof PanelChart>[0]['spec']) =>
  renderToStaticMarkup(<PanelChart table={table} spec={spec} title="Test" t={ctx.t} width={480} />)

describe('the charts (SVG markup)', () => {
  it("draws one labelled bar per charted cell, with the table cell's value; a hidden figure without a bar", () => {
    const view = purposesView(PURPOSES, ctx)
    const html = render(view.table, view.chart)
    expect(html).toContain('role="group"')
    expect(html).toContain('aria-label="Chart: Test"')
    const found = [
      ...html.matchAll(
        /<g role="img" aria-label="([^"]*)" data-testid="chart-mark" data-row="([^"]*)" data-series="([^"]*)" data-value="([^"]*)"/g,
      ),
    ]
    expect(found.map((m) => ({ row: m[2], series: m[3], value: m[4] }))).toEqual(
      tableMarks(view.table, view.chart.series),
    )
    expect(found.map((m) => m[1])).toEqual([
      'Marketing by SMS, Share granted: 30%',
      'Sharing with partners (retired), Share granted: hidden (fewer than 5)',
      'Usage analytics, Share granted: 0%',
    ])
    // The hidden share's mark has the words and a thin grey tick, no bar of any length.
    const hidden = html.slice(
      html.indexOf('data-row="partner-sharing"'),
      html.indexOf('data-row="usage-analytics"'),
    )
    expect(hidden).toContain('data-suppressed="true"')
    expect(hidden).toContain('class="csr-chart-hidden-tick"')
    expect(hidden).not.toContain('<path')
  })

  it('draws the timeseries as a line with a point per figure and a dashed rule where it is hidden', () => {
    const view = timeseriesView(TIMESERIES, ctx)
    const html = render(view.table, view.chart)
    const found = [
      ...html.matchAll(
        /<(circle|line) role="img" aria-label="([^"]*)" data-testid="chart-mark" data-row="([^"]*)" data-series="([^"]*)" data-value="([^"]*)"/g,
      ),
    ]
    expect(found.map((m) => ({ row: m[3], series: m[4], value: m[5] }))).toEqual(
      tableMarks(view.table, view.chart.series),
    )
    expect(found.map((m) => m[1])).toEqual(['circle', 'line', 'circle'])
    expect(found[1]?.[2]).toBe('2026-12-02, Share granted: hidden (fewer than 5)')
  })
})
