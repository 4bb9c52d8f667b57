import { Group } from '@visx/group'
import { scaleLinear } from '@visx/scale'
import { Bar } from '@visx/shape'
import { type ChartSpec, cellOf, type PanelTable, rowLabel } from '../panelTable'
import { columnLabel, largest, markProps, seriesColour } from './chartMarks'

interface Props {
  table: PanelTable
  spec: ChartSpec
  width: number
  label: string
}

const LABEL_LINE = 20
const BAR = 16
const BAR_GAP = 3
const ROW_GAP = 14
/** Room after the longest bar for its figure ("fewer than 5" in Tamil is the widest). */
const VALUE_ROOM = 130

/**
 * Horizontal bars, one group per table row: the row's name on a line of its own above its bars, so
 * a long purpose title fits a phone. Each bar is labelled with its figure; a hidden figure draws no
 * bar, only its words ("fewer than 5"), so it can never read as 0.
 */
export function BarsChart({ table, spec, width, label }: Props) {
  const rowHeight = LABEL_LINE + spec.series.length * (BAR + BAR_GAP) + ROW_GAP
  const height = table.rows.length * rowHeight
  const x = scaleLinear<number>({
    domain: [0, spec.unit === 'share' ? 1 : largest(table, spec.series)],
    range: [0, Math.max(40, width - VALUE_ROOM)],
  })
  return (
    // biome-ignore lint/a11y/useSemanticElements: an SVG has no <fieldset>; role=group names the chart and keeps its marks readable
    <svg
      role="group"
      aria-label={label}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      className="csr-chart csr-chart-bars"
      data-testid="analytics-chart"
    >
      {table.rows.map((row, i) => {
        const name = rowLabel(row, spec)
        return (
          <Group key={row.key} top={i * rowHeight}>
            {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: SVG text is not focusable; each mark's label names its row */}
            <text x={0} y={14} className="csr-chart-row-label" aria-hidden="true">
              {name}
            </text>
            {spec.series.map((key, s) => {
              const cell = cellOf(row, key)
              const top = LABEL_LINE + s * (BAR + BAR_GAP)
              const length = cell.value === null ? 0 : x(cell.value)
              return (
                // biome-ignore lint/a11y/noInteractiveElementToNoninteractiveRole: an SVG group is not interactive; role=img labels the mark
                <g key={key} role="img" {...markProps(row, key, name, columnLabel(table, key), cell)}>
                  {cell.value !== null ? (
                    <Bar x={0} y={top} width={Math.max(length, 1)} height={BAR} fill={seriesColour(s)} />
                  ) : cell.suppressed ? (
                    <rect x={0} y={top} width={2} height={BAR} className="csr-chart-hidden-tick" />
                  ) : null}
                  <text
                    x={length + 6}
                    y={top + BAR - 4}
                    className={
                      cell.value === null ? 'csr-chart-value csr-chart-value-hidden' : 'csr-chart-value'
                    }
                  >
                    {cell.text}
                  </text>
                </g>
              )
            })}
          </Group>
        )
      })}
    </svg>
  )
}
