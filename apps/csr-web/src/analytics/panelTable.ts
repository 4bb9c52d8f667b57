import { csvField } from '@consent-sync/consent-core'
import type { Cell } from './cells'

export interface Column {
  key: string
  label: string
  /** Right-aligned in the table; a chart may draw it. */
  numeric: boolean
}

export interface Row {
  key: string
  cells: Readonly<Record<string, Cell>>
}

/** A panel's figures as rows: the table shows them, the chart draws them, the CSV writes them. */
export interface PanelTable {
  columns: readonly Column[]
  rows: readonly Row[]
}

/** A chart of some of a table's columns: one mark per row and series, named by the `label` columns. */
export interface ChartSpec {
  kind: 'bars' | 'line'
  /** The columns that name each row (a purpose; a day; a channel and who decided), read together. */
  label: readonly string[]
  /** The numeric columns drawn, each in its own colour. */
  series: readonly string[]
  /** `share` draws 0..1 as 0..100 %; `count` from 0 to the largest figure. */
  unit: 'count' | 'share'
}

/** A cell the table has no value for (a column the row lacks): reads as empty, never as 0. */
const EMPTY: Cell = { text: '', value: null, suppressed: false, csv: null }

export function cellOf(row: Row, key: string): Cell {
  return row.cells[key] ?? EMPTY
}

/** The table as CSV (RFC 4180, CRLF): the column labels, then each row's cells as the table holds them. */
export function tableCsv(table: PanelTable): string {
  const header = table.columns.map((c) => csvField(c.label)).join(',')
  const rows = table.rows.map((row) => table.columns.map((c) => csvField(cellOf(row, c.key).csv)).join(','))
  return [header, ...rows].map((line) => `${line}\r\n`).join('')
}

/** A file name for a panel's CSV: `consent-analytics-channels-2026-11-04-2026-12-03.csv`. */
export function csvFileName(panel: string, scope: readonly string[]): string {
  const parts = ['consent-analytics', panel, ...scope].map((p) => p.replace(/[^A-Za-z0-9._-]/g, '_'))
  return `${parts.join('-')}.csv`
}

/** The name of a row in a chart: its label columns' texts, joined. */
export function rowLabel(row: Row, spec: ChartSpec): string {
  return spec.label.map((key) => cellOf(row, key).text).join(' · ')
}
