import { type RefObject, useEffect, useRef, useState } from 'react'
import type { Translate } from '../analyticsText'
import type { ChartSpec, PanelTable } from '../panelTable'
import { BarsChart } from './BarsChart'
import { columnLabel } from './chartMarks'
import { LineChart } from './LineChart'

export interface PanelChartProps {
  table: PanelTable
  spec: ChartSpec
  title: string
  t: Translate
  /** A fixed width (tests, server rendering); otherwise the chart fills its box and follows its size. */
  width?: number
}

/** The width of the box, followed as it changes (a phone turned, the feed column shown). */
function useBoxWidth(fixed: number | undefined): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null)
  const [width, setWidth] = useState(fixed ?? 0)
  useEffect(() => {
    const box = ref.current
    if (fixed !== undefined || !box) return
    setWidth(box.clientWidth)
    const observer = new ResizeObserver(() => setWidth(box.clientWidth))
    observer.observe(box)
    return () => observer.disconnect()
  }, [fixed])
  return [ref, width]
}

/**
 * A panel's chart, drawn from its table (SVG, visx): the same rows and cells the table view shows
 * and the CSV writes. It comes with the analytics screen's chunk (AdminArea loads it with React.lazy),
 * so the chart library is not in the main bundle.
 */
export function PanelChart({ table, spec, title, t, width: fixed }: PanelChartProps) {
  const [ref, width] = useBoxWidth(fixed)
  const label = t('chartOf', { title })
  return (
    <div ref={ref} className="csr-chart-box">
      {spec.series.length > 1 ? (
        <ul className="csr-chart-legend" aria-hidden="true">
          {spec.series.map((key, s) => (
            <li key={key}>
              <span className="csr-chart-swatch" data-colour={s} />
              {columnLabel(table, key)}
            </li>
          ))}
        </ul>
      ) : null}
      {width > 0 ? (
        spec.kind === 'line' ? (
          <LineChart table={table} spec={spec} width={width} label={label} />
        ) : (
          <BarsChart table={table} spec={spec} width={width} label={label} />
        )
      ) : null}
    </div>
  )
}
