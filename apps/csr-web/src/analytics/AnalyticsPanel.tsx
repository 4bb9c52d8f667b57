import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react'
import type { ApiRefusal } from '../apiRequest'
import { saveFile } from '../saveFile'
import type { PanelId } from './analyticsQuery'
import type { AnalyticsTextKey, Translate } from './analyticsText'
import { PanelChart } from './charts/PanelChart'
import { DataTable } from './DataTable'
import { csvFileName, tableCsv } from './panelTable'
import type { PanelView } from './panelViews'
import { useInView } from './useInView'
import { usePanelAnswer } from './usePanelAnswer'

interface Props<T> {
  id: PanelId
  title: string
  t: Translate
  /** The request; null when there is nothing to ask yet (`idleText` says why). */
  path: string | null
  liveTick: number
  build(answer: T): PanelView
  emptyText: string
  idleText?: string
  controls?: ReactNode
  /** Parts of the CSV's file name after the panel's (the range, the purpose). */
  csvScope: readonly string[]
  /** More of the answer beneath the chart (the open conflicts' list). */
  extra?(answer: T): ReactNode
  wide?: boolean
  /** Told of each answer the panel shows (another panel's default may follow from it). */
  onAnswer?(answer: T): void
}

const WHAT_TO_DO: Readonly<Record<ApiRefusal['reason'], AnalyticsTextKey>> = {
  forbidden: 'doForbidden',
  unauthorized: 'doForbidden',
  'bad-request': 'doBadRequest',
  network: 'doNetwork',
  'not-found': 'doNotFound',
  conflict: 'doServer',
  server: 'doServer',
}

type PanelState = 'idle' | 'loading' | 'error' | 'empty' | 'ready'

/**
 * One analytics panel: its figures as a chart or, toggled, as a table of the same cells, a CSV of
 * that table, and its loading, empty and error states. It refetches on each live tick while on
 * screen, and catches up when scrolled to.
 */
export function AnalyticsPanel<T extends { asOf: number; generatedAt: string }>(props: Props<T>) {
  const {
    id,
    title,
    t,
    path,
    liveTick,
    build,
    emptyText,
    idleText,
    controls,
    csvScope,
    extra,
    wide,
    onAnswer,
  } = props
  const ref = useRef<HTMLElement>(null)
  const visible = useInView(ref)
  const { answer, loading, error, stale, retry } = usePanelAnswer<T>(path, liveTick, visible)
  const [asTable, setAsTable] = useState(false)
  const view = useMemo(() => (answer ? build(answer) : null), [answer, build])
  useEffect(() => {
    if (answer) onAnswer?.(answer)
  }, [answer, onAnswer])
  const titleId = `analytics-${id}-title`

  const state: PanelState =
    path === null ? 'idle' : error ? 'error' : !view ? 'loading' : view.empty ? 'empty' : 'ready'
  const suppressed = view?.table.rows.some((r) => Object.values(r.cells).some((c) => c.suppressed)) ?? false
  const minGroup = (answer as { minGroup?: number } | null)?.minGroup
  const pending = (answer as { pending?: number } | null)?.pending ?? 0

  const download = () => {
    if (!view) return
    saveFile(new Blob([tableCsv(view.table)], { type: 'text/csv;charset=utf-8' }), csvFileName(id, csvScope))
  }

  return (
    <section
      ref={ref}
      className={wide ? 'csr-card csr-analytics-panel csr-analytics-wide' : 'csr-card csr-analytics-panel'}
      aria-labelledby={titleId}
      aria-busy={loading}
      data-testid={`analytics-${id}`}
      data-state={state}
      data-as-of={answer?.asOf}
      data-stale={stale ? 'true' : undefined}
    >
      <div className="csr-card-head">
        <h3 id={titleId} className="csr-card-title">
          {title}
        </h3>
        <div className="csr-analytics-actions">
          {loading && view ? (
            <span className="cs-muted csr-analytics-updating" aria-hidden="true">
              {t('refreshing')}
            </span>
          ) : null}
          <button
            type="button"
            className="csr-button csr-button-quiet"
            data-testid={`analytics-toggle-${id}`}
            aria-pressed={asTable}
            disabled={state !== 'ready'}
            onClick={() => setAsTable((v) => !v)}
          >
            {t('showTable')}
          </button>
          <button
            type="button"
            className="csr-button csr-button-quiet"
            data-testid={`analytics-csv-${id}`}
            disabled={!view}
            onClick={download}
          >
            {t('downloadCsv')}
          </button>
        </div>
      </div>
      {controls ? <div className="csr-filters csr-analytics-controls">{controls}</div> : null}
      {state === 'idle' ? <p className="cs-muted">{idleText}</p> : null}
      {state === 'loading' ? (
        <p className="cs-muted" role="status">
          {t('loading')}
        </p>
      ) : null}
      {error ? (
        <div className="cs-error csr-analytics-error" role="alert" data-testid={`analytics-error-${id}`}>
          <p>{t('failed', { message: error.message })}</p>
          <p>{t(WHAT_TO_DO[error.reason], { field: error.field ?? '?' })}</p>
          <button type="button" className="csr-button csr-button-quiet" onClick={retry}>
            {t('retry')}
          </button>
        </div>
      ) : null}
      {view && !error ? (
        <>
          {view.summary.length > 0 ? (
            <dl className="csr-analytics-summary">
              {view.summary.map(({ key, label, cell }) => (
                <div key={key} data-testid={`analytics-summary-${key}`} data-value={cell.csv ?? ''}>
                  <dt>{label}</dt>
                  <dd className={cell.suppressed ? 'csr-suppressed' : undefined}>{cell.text}</dd>
                </div>
              ))}
            </dl>
          ) : null}
          {view.empty ? (
            <p className="cs-muted" data-testid={`analytics-empty-${id}`}>
              {emptyText}
            </p>
          ) : asTable ? (
            <DataTable table={view.table} caption={title} />
          ) : (
            <PanelChart table={view.table} spec={view.chart} title={title} t={t} />
          )}
          {suppressed && minGroup !== undefined ? (
            <p className="cs-muted csr-analytics-note">{t('privacyNote', { n: minGroup })}</p>
          ) : null}
          {answer && extra ? extra(answer) : null}
          {pending > 0 ? (
            <p className="cs-muted csr-analytics-note" role="status" data-testid={`analytics-pending-${id}`}>
              {t('pending', { n: pending })}
            </p>
          ) : null}
          <p className="cs-muted csr-analytics-as-of">
            {t('asOf', {
              seq: answer?.asOf ?? '',
              time: answer?.generatedAt.slice(0, 19).replace('T', ' ') ?? '',
            })}
          </p>
        </>
      ) : null}
    </section>
  )
}
