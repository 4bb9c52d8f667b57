import {
  type DecisionState,
  isRetired,
  type Language,
  type Purpose,
  type PurposeReadOut,
  type PurposeState,
} from '@consent-sync/consent-core'
import { useId } from 'react'
import { type ActorNames, describeDecision } from './describe'
import { formatTime, stateLabel, t } from './i18n'
import { localText } from './local-text'
import { type AgreedNotice, NoticeChange } from './NoticeChange'
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
  /**
   * What the folded state means today under the catalog (consent-core `readOut`): the switch then
   * shows the effective state, and the row says when the grant needs renewing, expired, or the
   * purpose is retired.
   */
  readOut?: PurposeReadOut
  /** The texts of the version the grant was made under, for the side-by-side of a changed notice. */
  agreed?: AgreedNotice | undefined
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
  readOut,
  agreed,
}: ConsentRowProps) {
  const id = purpose.id
  const title = localText(purpose.title, lang)
  const notice = localText(purpose.notice, lang)
  const retired = isRetired(purpose)
  // A retired purpose shows what was decided (withdrawing it still records a choice); otherwise
  // what counts today: an expired grant, or one a `required` change voided, reads as withdrawn.
  const shown = readOut && !retired ? readOut.effectiveState : state.state
  const expired = readOut?.expired === true
  const renewing = readOut?.needsReconsent === true && !expired && !retired && state.decision !== undefined
  // Unique per row instance: two dashboards may share a page (the offline demo).
  const uid = useId()
  const titleId = `cs-title-${id}${uid}`
  const noticeId = `cs-notice-${id}${uid}`
  const pendingId = `cs-pending-${id}${uid}`
  const flagId = `cs-flag-${id}${uid}`
  const flagged = expired || retired
  const describedBy = [noticeId, flagged ? flagId : null, pending ? pendingId : null]
    .filter(Boolean)
    .join(' ')
  const className = ['cs-row', state.conflicted ? 'cs-row-conflicted' : '', renewing ? 'cs-row-renew' : '']
    .filter(Boolean)
    .join(' ')
  return (
    <section
      aria-labelledby={titleId}
      className={className}
      data-testid={`purpose-${id}`}
      data-state={state.state}
      data-conflicted={String(state.conflicted)}
      data-viewer={viewer}
      data-effective-state={readOut?.effectiveState ?? state.state}
      data-reconsent={renewing ? (readOut?.reconsent ?? 'prompt') : 'none'}
      data-expired={String(expired)}
      data-status={retired ? 'retired' : 'active'}
    >
      <div className="cs-row-head">
        <h3 className="cs-row-title" id={titleId} lang={title.lang} data-testid={`title-${id}`}>
          {title.text}
        </h3>
        {retired && shown === 'withdrawn' ? (
          // No grant on a retired purpose (consent-core SPEC 2.15): nothing to switch on.
          <span className="cs-switch-static" lang={lang} data-testid={`static-state-${id}`}>
            {stateLabel(lang, shown)}
          </span>
        ) : (
          <ConsentSwitch
            purposeId={id}
            state={shown}
            lang={lang}
            labelledBy={titleId}
            describedBy={describedBy}
            disabled={disabled ?? false}
            onToggle={onToggle}
          />
        )}
      </div>
      <p className="cs-row-notice" id={noticeId} lang={notice.lang} data-testid={`notice-${id}`}>
        {notice.text}
      </p>
      {flagged ? (
        <p
          className={`cs-flag ${retired ? 'cs-flag-retired' : 'cs-flag-expired'}`}
          id={flagId}
          lang={lang}
          data-testid={retired ? `retired-${id}` : `expired-${id}`}
        >
          {retired
            ? viewer === 'csr'
              ? t(lang, 'flagRetired')
              : t(lang, state.state === 'granted' ? 'retiredNote' : 'retiredShort')
            : t(lang, viewer === 'csr' ? 'flagExpired' : 'expiredNote', {
                date: formatTime(lang, readOut?.expiresAt ?? ''),
              })}
        </p>
      ) : null}
      {renewing && readOut && state.decision ? (
        <NoticeChange
          purpose={purpose}
          agreedVersion={state.decision.noticeVersion}
          agreed={agreed}
          reconsent={readOut.reconsent ?? 'prompt'}
          lang={lang}
          viewer={viewer}
          disabled={disabled ?? false}
          onRenew={() => onToggle('granted')}
        />
      ) : null}
      <p className="cs-row-meta" lang={lang} data-testid={`decided-by-${id}`}>
        {state.decision
          ? t(lang, 'lastDecided', {
              who: describeDecision(state.decision, lang, selfId, names),
              when: formatTime(lang, state.decision.at),
            })
          : t(lang, 'noDecision', { state: stateLabel(lang, purpose.default) })}
        {readOut?.expiresAt && !expired && !retired && shown === 'granted'
          ? ` ${t(lang, 'validUntil', { date: formatTime(lang, readOut.expiresAt) })}`
          : null}
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
