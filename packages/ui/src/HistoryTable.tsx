import type { Decision, Language, PurposeCatalog } from '@consent-sync/consent-core'
import { useState } from 'react'
import { type ActorNames, describeDecision, purposeTitle } from './describe'
import { formatTime, stateLabel, t } from './i18n'

export interface HistoryTableProps {
  /** Newest first (as `ConsentState.history` holds them). */
  decisions: Decision[]
  catalog: PurposeCatalog
  lang: Language
  selfId: string
  names?: ActorNames
  /** Rows shown before "Show older entries" (default 25). */
  pageSize?: number
  /** The table's caption (default: the customer's "history of your choices"). */
  caption?: string
  /** The caption names the table for screen readers only (a heading beside it shows the title). */
  captionHidden?: boolean
  /** Opens a decision's signed receipt: `json` to download, `html` to print; absent: no receipt column. */
  onReceipt?: (decision: Decision, format: 'json' | 'html') => void
  /** Which rows offer a receipt (default: every row). */
  hasReceipt?: (decision: Decision) => boolean
}

/** Every decision of the document; on a narrow screen each row becomes a small card. */
export function HistoryTable({
  decisions,
  catalog,
  lang,
  selfId,
  names = {},
  pageSize = 25,
  caption,
  captionHidden = false,
  onReceipt,
  hasReceipt = () => true,
}: HistoryTableProps) {
  const [shown, setShown] = useState(pageSize)
  const rows = decisions.slice(0, shown)
  return (
    <div className="cs-history">
      <table className="cs-history-table" data-testid="history" lang={lang}>
        <caption className={captionHidden ? 'cs-visually-hidden' : undefined}>
          {caption ?? t(lang, 'historyTitle')}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t(lang, 'colWhen')}</th>
            <th scope="col">{t(lang, 'colPurpose')}</th>
            <th scope="col">{t(lang, 'colChoice')}</th>
            <th scope="col">{t(lang, 'colWho')}</th>
            {onReceipt ? <th scope="col">{t(lang, 'colReceipt')}</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={onReceipt ? 5 : 4}>{t(lang, 'historyEmpty')}</td>
            </tr>
          ) : (
            rows.map((d) => {
              return (
                <tr
                  key={d.id}
                  data-testid="history-row"
                  data-purpose={d.purposeId}
                  data-state={d.state}
                  data-actor={d.actor.id}
                  {...(d.channel === 'import' ? { 'data-provenance': 'migrated' } : {})}
                >
                  <td data-label={t(lang, 'colWhen')}>
                    <time dateTime={d.at}>{formatTime(lang, d.at)}</time>
                  </td>
                  <td data-label={t(lang, 'colPurpose')}>{purposeTitle(catalog, d.purposeId, lang)}</td>
                  <td data-label={t(lang, 'colChoice')}>
                    <span className={`cs-chip cs-chip-${d.state}`}>{stateLabel(lang, d.state)}</span>
                  </td>
                  <td data-label={t(lang, 'colWho')}>
                    {d.channel === 'import' ? (
                      <MigratedProvenance lang={lang} />
                    ) : (
                      describeDecision(d, lang, selfId, names)
                    )}
                  </td>
                  {onReceipt ? (
                    <td data-label={t(lang, 'colReceipt')} className="cs-history-receipt">
                      {hasReceipt(d) ? (
                        <>
                          <button
                            type="button"
                            className="cs-button cs-button-quiet"
                            data-testid="receipt-json"
                            onClick={() => onReceipt(d, 'json')}
                          >
                            {t(lang, 'receiptDownload')}
                          </button>{' '}
                          <button
                            type="button"
                            className="cs-button cs-button-quiet"
                            data-testid="receipt-print"
                            onClick={() => onReceipt(d, 'html')}
                          >
                            {t(lang, 'receiptPrint')}
                          </button>
                        </>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              )
            })
          )}
        </tbody>
      </table>
      {decisions.length > shown ? (
        <button
          type="button"
          className="cs-button cs-button-quiet"
          onClick={() => setShown(shown + pageSize)}
        >
          {t(lang, 'showMore')}
        </button>
      ) : null}
    </div>
  )
}

/**
 * A decision carried over from the operator's previous system (channel `import`): the actor is the
 * migration's account, which means nothing to a reader; where it came from does.
 */
function MigratedProvenance({ lang }: { lang: Language }) {
  return (
    <>
      <span className="cs-chip cs-chip-migrated">{t(lang, 'provenanceMigrated')}</span>{' '}
      {t(lang, 'migratedFromLegacy')}
    </>
  )
}
