import { AxisBottom, AxisLeft } from '@visx/axis'
import { Group } from '@visx/group'
import { scaleLinear, scalePoint } from '@visx/scale'
import { LinePath } from '@visx/shape'
import { type ChartSpec, cellOf, type PanelTable, type Row, rowLabel } from '../panelTable'
import { columnLabel, largest, markProps, seriesColour } from './chartMarks'

interface Props {
  table: PanelTable
  spec: ChartSpec
  width: number
  label: string
}

const HEIGHT = 240
const MARGIN = { top: 12, right: 16, bottom: 36, left: 48 }
/** Date labels need about this much room each; fewer are printed on a narrow chart. */
const TICK_ROOM = 84

/**
 * A line over the table's rows in order (days or weeks), one per series, a dot on every figure. A
 * hidden figure breaks the line and is drawn as a grey dashed rule through its day, not as a point;
 * a figure there is none of (a share of no customers) breaks it and is not drawn.
 */
export function LineChart({ table, spec, width, label }: Props) {
  const innerWidth = Math.max(60, width - MARGIN.left - MARGIN.right)
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom
  const keys = table.rows.map((r) => r.key)
  const x = scalePoint<string>({ domain: keys, range: [0, innerWidth], padding: 0.5 })
  const y = scaleLinear<number>({
    domain: [0, spec.unit === 'share' ? 1 : largest(table, spec.series)],
    range: [innerHeight, 0],
    nice: spec.unit === 'count',
  })
  const every = Math.max(1, Math.ceil(keys.length / Math.max(1, Math.floor(innerWidth / TICK_ROOM))))
  const tickValues = keys.filter((_, i) => i % every === 0)
  const nameOf = new Map(table.rows.map((r) => [r.key, rowLabel(r, spec)]))
  const xOf = (row: Row) => x(row.key) ?? 0
  const percent = (v: number) => `${Math.round(v * 100)}%`

  return (
    // biome-ignore lint/a11y/useSemanticElements: an SVG has no <fieldset>; role=group names the chart and keeps its marks readable
    <svg
      role="group"
      aria-label={label}
      width={width}
      height={HEIGHT}
      viewBox={`0 0 ${width} ${HEIGHT}`}
      className="csr-chart csr-chart-line"
      data-testid="analytics-chart"
    >
      <Group left={MARGIN.left} top={MARGIN.top}>
        {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: the axes are not focusable; the marks' labels say the same */}
        <g aria-hidden="true">
          <AxisLeft
            scale={y}
            numTicks={5}
            tickFormat={(v) => (spec.unit === 'share' ? percent(Number(v)) : String(v))}
            stroke="#6b7280"
            tickStroke="#6b7280"
            tickLabelProps={{ className: 'csr-chart-tick', textAnchor: 'end', dx: -4, dy: 4 }}
          />
          <AxisBottom
            top={innerHeight}
            scale={x}
            tickValues={tickValues}
            tickFormat={(k) => nameOf.get(String(k))}
            stroke="#6b7280"
            tickStroke="#6b7280"
            tickLabelProps={{ className: 'csr-chart-tick', textAnchor: 'middle' }}
          />
        </g>
        {spec.series.map((key, s) => (
          <g key={key}>
            <LinePath
              data={table.rows as Row[]}
              x={xOf}
              y={(row) => y(cellOf(row, key).value ?? 0)}
              defined={(row) => cellOf(row, key).value !== null}
              stroke={seriesColour(s)}
              strokeWidth={2}
              aria-hidden="true"
            />
            {table.rows.map((row) => {
              const cell = cellOf(row, key)
              const props = markProps(row, key, nameOf.get(row.key) ?? row.key, columnLabel(table, key), cell)
              return cell.value === null ? (
                // biome-ignore lint/a11y/noInteractiveElementToNoninteractiveRole: an SVG line is not interactive; role=img labels the mark
                <line
                  key={row.key}
                  role="img"
                  {...props}
                  x1={xOf(row)}
                  x2={xOf(row)}
                  y1={0}
                  y2={innerHeight}
                  // A hidden figure is marked; one that does not exist (no customers yet) is not drawn.
                  className={cell.suppressed ? 'csr-chart-hidden-rule' : 'csr-chart-no-figure'}
                />
              ) : (
                // biome-ignore lint/a11y/noInteractiveElementToNoninteractiveRole: an SVG circle is not interactive; role=img labels the mark
                <circle
                  key={row.key}
                  role="img"
                  {...props}
                  cx={xOf(row)}
                  cy={y(cell.value)}
                  r={keys.length > 60 ? 2 : 3.5}
                  fill={seriesColour(s)}
                />
              )
            })}
          </g>
        ))}
      </Group>
    </svg>
  )
}
