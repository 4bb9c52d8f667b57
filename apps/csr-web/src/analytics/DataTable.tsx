import type { ReactNode } from 'react'
import type { Cell } from './cells'
import { type Column, cellOf, type PanelTable, type Row } from './panelTable'

interface Props {
  table: PanelTable
  caption: string
  testId?: string
  /** What a cell shows when not just its text (a link to the customer). */
  renderCell?(row: Row, column: Column, cell: Cell): ReactNode
}

/** A panel's rows as a table; every cell carries its value (`data-value`) as the chart and the CSV have it. */
export function DataTable({ table, caption, testId = 'analytics-table', renderCell }: Props) {
  return (
    // Focusable: a table wider than a phone scrolls sideways with the arrow keys.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <section className="cs-audit-scroll csr-analytics-scroll" tabIndex={0} aria-label={caption}>
      <table className="cs-audit-table csr-analytics-table" data-testid={testId}>
        <caption className="cs-visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th key={c.key} scope="col" className={c.numeric ? 'csr-num' : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row) => (
            <tr key={row.key} data-row={row.key}>
              {table.columns.map((c, i) => {
                const cell = cellOf(row, c.key)
                const props = {
                  className:
                    [c.numeric ? 'csr-num' : '', cell.suppressed ? 'csr-suppressed' : ''].join(' ').trim() ||
                    undefined,
                  'data-column': c.key,
                  'data-value': cell.csv === null ? '' : String(cell.csv),
                  'data-suppressed': cell.suppressed ? 'true' : undefined,
                }
                const content = renderCell ? renderCell(row, c, cell) : cell.text
                return i === 0 ? (
                  <th key={c.key} scope="row" {...props}>
                    {content}
                  </th>
                ) : (
                  <td key={c.key} {...props}>
                    {content}
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
