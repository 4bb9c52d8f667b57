import {
  type Decision,
  type Language,
  type Purpose,
  type PurposeState,
  readOut,
  type VersionSummary,
} from '@consent-sync/consent-core'
import { useId, useState } from 'react'
import { ConsentRow } from './ConsentRow'
import { LanguageSwitch } from './LanguageSwitch'
import type { AgreedNotice } from './NoticeChange'
import type { NoticeDraft } from './notice-draft'

export interface DraftPreviewProps {
  draft: NoticeDraft
  /** The purpose the draft is a new version of. */
  purpose?: Purpose | undefined
}

const PREVIEW_SELF = 'preview-customer'

/** The purpose as the catalog will list it once the draft is published. */
function publishedAs(draft: NoticeDraft, purpose: Purpose | undefined, at: string): Purpose {
  const version = draft.version || 'draft'
  const days = Number(draft.lifetimeDays)
  const lifetime =
    draft.lifetimeDays.trim() !== '' && Number.isInteger(days) && days > 0 ? { lifetimeDays: days } : {}
  const material = purpose !== undefined && draft.material
  const summary: VersionSummary = {
    version,
    textHash: '',
    material,
    ...lifetime,
    ...(material ? { reconsent: draft.reconsent } : {}),
    publishedAt: at,
  }
  const earlier: readonly VersionSummary[] = purpose
    ? (purpose.versions ?? [{ version: purpose.version, textHash: '', material: false, publishedAt: '' }])
    : []
  return {
    id: purpose?.id ?? (draft.id || 'new-purpose'),
    version,
    default: purpose?.default ?? draft.default,
    status: 'active',
    title: draft.title,
    notice: draft.notice,
    material,
    ...lifetime,
    ...(material ? { reconsent: draft.reconsent } : {}),
    versions: [summary, ...earlier],
  }
}

/**
 * How the customer page will show the draft, in the language chosen here: for a material new
 * version, as a customer who granted the current one sees it (the change side by side); otherwise
 * as someone who has not decided.
 */
export function DraftPreview({ draft, purpose }: DraftPreviewProps) {
  const uid = useId()
  const [lang, setLang] = useState<Language>('en')
  const now = Date.now()
  const shown = publishedAs(draft, purpose, new Date(now).toISOString())
  const asGranted = purpose !== undefined && draft.material
  const grant: Decision | undefined = purpose
    ? {
        id: 'preview',
        purposeId: purpose.id,
        state: 'granted',
        supersedes: [],
        at: new Date(now).toISOString(),
        actor: { id: PREVIEW_SELF, role: 'customer' },
        channel: 'web',
        noticeVersion: purpose.version,
      }
    : undefined
  const state: PurposeState =
    asGranted && grant
      ? { purposeId: shown.id, state: 'granted', conflicted: false, decision: grant, heads: [grant] }
      : { purposeId: shown.id, state: shown.default, conflicted: false, heads: [] }
  const agreed: AgreedNotice | undefined = purpose
    ? { version: purpose.version, status: 'loaded', texts: { title: purpose.title, notice: purpose.notice } }
    : undefined
  return (
    <section className="cs-draft-preview" aria-labelledby={`${uid}-title`} data-testid="admin-preview">
      <div className="cs-draft-preview-head">
        <h4 id={`${uid}-title`}>
          Preview: the customer page{asGranted ? ', for a customer who granted the current version' : ''}
        </h4>
        <LanguageSwitch value={lang} onChange={setLang} />
      </div>
      <ConsentRow
        purpose={shown}
        state={state}
        lang={lang}
        viewer="customer"
        selfId={PREVIEW_SELF}
        disabled
        onToggle={() => {}}
        readOut={readOut(state, shown, { now })}
        agreed={agreed}
      />
    </section>
  )
}
