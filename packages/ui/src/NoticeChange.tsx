import type { Language, NoticeTexts, Purpose, ReconsentPolicy } from '@consent-sync/consent-core'
import { useId } from 'react'
import { formatTime, t } from './i18n'
import { localText } from './local-text'
import { wordDiff } from './word-diff'

/** The texts of the version a grant was made under, as far as the page has them. */
export type AgreedNotice =
  | { version: string; status: 'loading' | 'unavailable' }
  | { version: string; status: 'loaded'; texts: NoticeTexts }

export interface NoticeChangeProps {
  /** The purpose in the catalog's current version. */
  purpose: Purpose
  /** The version the grant that needs renewing was made under. */
  agreedVersion: string
  agreed?: AgreedNotice | undefined
  reconsent: ReconsentPolicy
  lang: Language
  viewer: 'customer' | 'csr'
  disabled?: boolean
  /** A grant under the current version: one step, as withdrawing is. */
  onRenew(): void
}

function Marked({
  before,
  after,
  side,
  lang,
}: {
  before: string
  after: string
  side: 'old' | 'new'
  lang: Language
}) {
  const parts = wordDiff(before, after)
  return (
    <>
      {parts.map((part, i) => {
        const key = `${i}-${part.kind}`
        // Spaces that moved are not news: marking them would read "removed" for nothing.
        if (part.kind === 'same' || part.text.trim() === '') {
          return part.kind === 'same' || part.kind === (side === 'old' ? 'removed' : 'added') ? (
            <span key={key}>{part.text}</span>
          ) : null
        }
        if (side === 'old' && part.kind === 'removed')
          return (
            <del key={key}>
              <span className="cs-visually-hidden">{t(lang, 'diffRemoved')}</span>
              {part.text}
            </del>
          )
        if (side === 'new' && part.kind === 'added')
          return (
            <ins key={key}>
              <span className="cs-visually-hidden">{t(lang, 'diffAdded')}</span>
              {part.text}
            </ins>
          )
        return null
      })}
    </>
  )
}

/**
 * What a material change of a purpose's notice asks of someone who granted under an older version
 * (consent-core SPEC 1.7, 3.8): the customer reads the text they agreed to beside the new one, the
 * words that changed marked, and agrees to the new one in one step (or withdraws with the switch);
 * an agent sees a flag and can record the customer's agreement.
 */
export function NoticeChange({
  purpose,
  agreedVersion,
  agreed,
  reconsent,
  lang,
  viewer,
  disabled = false,
  onRenew,
}: NoticeChangeProps) {
  const uid = useId()
  const id = purpose.id
  const renew = (
    <button
      type="button"
      className="cs-button cs-button-primary cs-renew"
      data-testid={`renew-${id}`}
      disabled={disabled}
      onClick={onRenew}
      lang={lang}
    >
      {t(lang, viewer === 'customer' ? 'renew' : 'renewAgent')}
    </button>
  )
  if (viewer === 'csr') {
    return (
      <div className="cs-flag cs-flag-reconsent" data-testid={`reconsent-${id}`} data-reconsent={reconsent}>
        <p lang={lang}>
          {t(lang, 'flagReconsent', { old: agreedVersion, new: purpose.version })}
          {reconsent === 'required' ? ` ${t(lang, 'flagReconsentRequired')}` : ''}
        </p>
        {renew}
      </div>
    )
  }

  const published = purpose.versions?.[0]?.publishedAt
  const titleId = `cs-reconsent-${id}${uid}`
  const newTitle = localText(purpose.title, lang)
  const newNotice = localText(purpose.notice, lang)
  const texts = agreed?.status === 'loaded' && agreed.version === agreedVersion ? agreed.texts : null
  const oldTitle = texts ? localText(texts.title, lang) : null
  const oldNotice = texts ? localText(texts.notice, lang) : null
  const titleChanged = oldTitle !== null && oldTitle.text !== newTitle.text
  return (
    <section
      className="cs-reconsent"
      aria-labelledby={titleId}
      data-testid={`reconsent-${id}`}
      data-reconsent={reconsent}
      lang={lang}
    >
      <p className="cs-reconsent-title" id={titleId}>
        {t(lang, 'noticeChanged')}
      </p>
      <p>
        {published ? `${t(lang, 'noticeChangedOn', { date: formatTime(lang, published) })} ` : ''}
        {t(lang, reconsent === 'required' ? 'reconsentRequired' : 'reconsentPrompt')}
      </p>
      <div className="cs-diff" data-testid={`notice-diff-${id}`}>
        <section className="cs-diff-side cs-diff-old">
          <h4>{t(lang, 'agreedVersion', { version: agreedVersion })}</h4>
          {texts && oldTitle && oldNotice ? (
            <>
              {titleChanged ? (
                <p className="cs-diff-title" lang={oldTitle.lang}>
                  <Marked before={oldTitle.text} after={newTitle.text} side="old" lang={lang} />
                </p>
              ) : null}
              <p lang={oldNotice.lang} data-testid={`agreed-notice-${id}`}>
                <Marked before={oldNotice.text} after={newNotice.text} side="old" lang={lang} />
              </p>
            </>
          ) : (
            <p className="cs-muted">
              {t(lang, agreed?.status === 'unavailable' ? 'agreedUnavailable' : 'agreedLoading')}
            </p>
          )}
        </section>
        <section className="cs-diff-side cs-diff-new">
          <h4>{t(lang, 'newVersion', { version: purpose.version })}</h4>
          {titleChanged && oldTitle ? (
            <p className="cs-diff-title" lang={newTitle.lang}>
              <Marked before={oldTitle.text} after={newTitle.text} side="new" lang={lang} />
            </p>
          ) : null}
          <p lang={newNotice.lang} data-testid={`new-notice-${id}`}>
            {oldNotice ? (
              <Marked before={oldNotice.text} after={newNotice.text} side="new" lang={lang} />
            ) : (
              newNotice.text
            )}
          </p>
        </section>
      </div>
      {renew}
    </section>
  )
}
