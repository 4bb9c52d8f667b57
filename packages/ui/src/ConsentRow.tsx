import type { DecisionState, Language, Purpose, PurposeState } from '@consent-sync/consent-core'
import { useId } from 'react'
import { type ActorNames, describeDecision } from './describe'
import { formatTime, stateLabel, t } from './i18n'
import { ConsentSwitch } from './Switch'

export interface ConsentRowProps {
  purpose: Purpose
  state: PurposeState
  lang: Language
  viewer: 'customer' | 'csr'
  onToggle(next: DecisionState): void
  disabled?: boolean
  selfId: string
  /** This purpose has a change the server has not yet confirmed: shows "waiting to sync". */
  pending?: boolean
  /** Display names by user id, for "decided by". */
  names?: ActorNames
}

/** The purpose's text in `lang`, falling back to English; with the language it is really in. */
function localText(text: Purpose['title'], lang: Language): { text: string; lang: Language } {
  const own = text[lang]
  return own ? { text: own, lang } : { text: text.en, lang: 'en' }
}

export function ConsentRow({
  purpose,
  state,
  lang,
  viewer,
  onToggle,
  disabled,
  selfId,
  pending = false,
  names = {},
}: ConsentRowProps) {
  const id = purpose.id
  const title = localText(purpose.title, lang)
  const notice = localText(purpose.notice, lang)
  // Unique per row instance: two dashboards may share a page (the offline demo).
  const uid = useId()
  const titleId = `cs-title-${id}${uid}`
  const noticeId = `cs-notice-${id}${uid}`
  const pendingId = `cs-pending-${id}${uid}`
  return (
    <section
      aria-labelledby={titleId}
      className={`cs-row${state.conflicted ? ' cs-row-conflicted' : ''}`}
      data-testid={`purpose-${id}`}
      data-state={state.state}
      data-conflicted={String(state.conflicted)}
      data-viewer={viewer}
    >
      <div className="cs-row-head">
        <h3 className="cs-row-title" id={titleId} lang={title.lang} data-testid={`title-${id}`}>
          {title.text}
        </h3>
        <ConsentSwitch
          purposeId={id}
          state={state.state}
          lang={lang}
          labelledBy={titleId}
          describedBy={pending ? `${noticeId} ${pendingId}` : noticeId}
          disabled={disabled ?? false}
          onToggle={onToggle}
        />
      </div>
      <p className="cs-row-notice" id={noticeId} lang={notice.lang} data-testid={`notice-${id}`}>
        {notice.text}
      </p>
      <p className="cs-row-meta" lang={lang} data-testid={`decided-by-${id}`}>
        {state.decision
          ? t(lang, 'lastDecided', {
              who: describeDecision(state.decision, lang, selfId, names),
              when: formatTime(lang, state.decision.at),
            })
          : t(lang, 'noDecision', { state: stateLabel(lang, purpose.default) })}
        {pending ? (
          <span className="cs-waiting" id={pendingId} lang={lang}>
            {t(lang, 'waitingToSync')}
          </span>
        ) : null}
      </p>
      {state.conflicted ? (
        <div className="cs-conflict" role="note" lang={lang} data-testid={`conflict-${id}`}>
          <p className="cs-conflict-title">{t(lang, 'conflictTitle')}</p>
          <p>{t(lang, 'conflictBody')}</p>
          <ul>
            {state.heads.map((head) => (
              <li key={head.id}>
                {t(lang, 'conflictHead', {
                  who: describeDecision(head, lang, selfId, names),
                  state: stateLabel(lang, head.state),
                  when: formatTime(lang, head.at),
                })}
              </li>
            ))}
          </ul>
          <p>{t(lang, 'conflictOutcome')}</p>
        </div>
      ) : null}
    </section>
  )
}
