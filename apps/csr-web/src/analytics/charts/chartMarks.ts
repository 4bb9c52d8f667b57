import type { Cell } from '../cells'
import type { PanelTable, Row } from '../panelTable'
import { cellOf } from '../panelTable'

/** Series colours, each at least 3:1 against white (WCAG non-text contrast), told apart by the legend too. */
export const SERIES_COLOURS = ['#1d4ed8', '#b45309', '#15803d', '#7e22ce'] as const

export function seriesColour(index: number): string {
  return SERIES_COLOURS[index % SERIES_COLOURS.length] ?? '#1d4ed8'
}

/** What a mark of the chart says to a screen reader and carries for a test: the table's own cell. */
export function markProps(row: Row, seriesKey: string, label: string, seriesLabel: string, cell: Cell) {
  return {
    'aria-label': `${label}, ${seriesLabel}: ${cell.text}`,
    'data-testid': 'chart-mark',
    'data-row': row.key,
    'data-series': seriesKey,
    'data-value': cell.csv === null ? '' : String(cell.csv),
    'data-suppressed': cell.suppressed ? 'true' : undefined,
  }
}

export function columnLabel(table: PanelTable, key: string): string {
  return table.columns.find((c) => c.key === key)?.label ?? key
}

/** The largest number the chart draws, at least 1 so an all-zero chart still has a scale. */
export function largest(table: PanelTable, series: readonly string[]): number {
  let max = 1
  for (const row of table.rows) {
    for (const key of series) max = Math.max(max, cellOf(row, key).value ?? 0)
  }
  return max
}
