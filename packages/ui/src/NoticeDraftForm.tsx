import {
  type DecisionState,
  LANGUAGES,
  type Language,
  missingLanguages,
  type Purpose,
  type PurposeCatalog,
  type ReconsentPolicy,
} from '@consent-sync/consent-core'
import { type FormEvent, useId, useState } from 'react'
import { DraftPreview } from './DraftPreview'
import { Field } from './Field'
import { LANGUAGE_NAMES } from './i18n'
import {
  checkDraft,
  type DraftField,
  draftFor,
  type NewPurposeBody,
  type NewVersionBody,
  type NoticeDraft,
} from './notice-draft'

/** Why the server refused a publish: its message, and the field when it names one. */
export interface PublishRefusal {
  message: string
  field?: string | undefined
}

export interface NoticeDraftFormProps {
  catalog: PurposeCatalog
  /** The purpose to publish a new version of; without it, the form drafts a new purpose. */
  purpose?: Purpose | undefined
  /** Called with a draft that passed every check; resolves with the server's refusal, or null when published. */
  onPublish(body: NewPurposeBody | NewVersionBody): Promise<PublishRefusal | null>
  onCancel(): void
}

const IN_ENGLISH: Readonly<Record<Language, string>> = { en: 'English', si: 'Sinhala', ta: 'Tamil' }

/**
 * An administrator's draft of a new purpose or a new version of one: the policy, and the title and
 * notice in English, Sinhala and Tamil side by side, with a live preview of the customer's row.
 * Publishing is refused here, naming the language, while any title or notice is blank; what the
 * server refuses is shown as it says it.
 */
export function NoticeDraftForm({ catalog, purpose, onPublish, onCancel }: NoticeDraftFormProps) {
  const uid = useId()
  const [draft, setDraft] = useState<NoticeDraft>(() => draftFor(purpose))
  const [problem, setProblem] = useState<{ message: string; field: DraftField | undefined } | null>(null)
  const [busy, setBusy] = useState(false)
  const controlId = (field: DraftField) => `${uid}-${field.replace('.', '-')}`
  const invalid = (field: DraftField) => (problem?.field === field ? true : undefined)
  const set = (change: Partial<NoticeDraft>) => setDraft((d) => ({ ...d, ...change }))
  const setText = (kind: 'title' | 'notice', lang: Language, value: string) =>
    setDraft((d) => ({ ...d, [kind]: { ...d[kind], [lang]: value } }))
  const missing = missingLanguages(draft)

  const fail = (message: string, field: DraftField | undefined) => {
    setProblem({ message, field })
    if (field) document.getElementById(controlId(field))?.focus()
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const check = checkDraft(draft, catalog, purpose)
    if (!check.ok) return fail(check.message, check.field)
    setProblem(null)
    setBusy(true)
    try {
      const refusal = await onPublish(check.body)
      if (refusal) fail(refusal.message, refusal.field)
    } finally {
      setBusy(false)
    }
  }

  const heading = purpose ? `New version of “${purpose.title.en}” (${purpose.id})` : 'New purpose'
  return (
    <form
      className="cs-draft"
      onSubmit={submit}
      aria-labelledby={`${uid}-heading`}
      lang="en"
      noValidate
      data-testid="admin-draft"
    >
      <h3 id={`${uid}-heading`} className="cs-draft-heading">
        {heading}
      </h3>
      <div className="cs-draft-policy">
        {purpose ? null : (
          <>
            <Field id={controlId('id')} label="Purpose id" required>
              <input
                id={controlId('id')}
                className="cs-input"
                data-testid="draft-id"
                value={draft.id}
                aria-invalid={invalid('id')}
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => set({ id: e.target.value.trim() })}
              />
            </Field>
            <Field id={controlId('default')} label="State when nobody has decided">
              <select
                id={controlId('default')}
                className="cs-input"
                data-testid="draft-default"
                value={draft.default}
                onChange={(e) => set({ default: e.target.value as DecisionState })}
              >
                <option value="withdrawn">Withdrawn (opt-in)</option>
                <option value="granted">Granted</option>
              </select>
            </Field>
          </>
        )}
        <Field id={controlId('version')} label="Version" required>
          <input
            id={controlId('version')}
            className="cs-input"
            data-testid="draft-version"
            value={draft.version}
            aria-invalid={invalid('version')}
            placeholder={purpose ? `after ${purpose.version}` : '1.0'}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => set({ version: e.target.value.trim() })}
          />
        </Field>
        <Field id={controlId('lifetimeDays')} label="Consent lifetime in days (empty: no expiry)">
          <input
            id={controlId('lifetimeDays')}
            className="cs-input"
            data-testid="draft-lifetime"
            inputMode="numeric"
            value={draft.lifetimeDays}
            aria-invalid={invalid('lifetimeDays')}
            onChange={(e) => set({ lifetimeDays: e.target.value })}
          />
        </Field>
        {purpose ? (
          <>
            <div className="cs-field cs-check">
              <input
                id={controlId('material')}
                type="checkbox"
                data-testid="draft-material"
                checked={draft.material}
                onChange={(e) => set({ material: e.target.checked })}
              />
              <label htmlFor={controlId('material')}>
                Material change: those who granted an earlier version are asked again
              </label>
            </div>
            {draft.material ? (
              <Field id={controlId('reconsent')} label="Earlier grants, until renewed">
                <select
                  id={controlId('reconsent')}
                  className="cs-input"
                  data-testid="draft-reconsent"
                  value={draft.reconsent}
                  aria-invalid={invalid('reconsent')}
                  onChange={(e) => set({ reconsent: e.target.value as ReconsentPolicy })}
                >
                  <option value="prompt">Still count; the customer is asked (prompt)</option>
                  <option value="required">No longer count (required)</option>
                </select>
              </Field>
            ) : null}
          </>
        ) : null}
      </div>
      <div className="cs-draft-texts">
        {LANGUAGES.map((l) => (
          <fieldset key={l} className="cs-draft-language">
            <legend>
              <span lang={l}>{LANGUAGE_NAMES[l]}</span>
              {l === 'en' ? null : <span className="cs-muted"> ({IN_ENGLISH[l]})</span>}
            </legend>
            <Field id={controlId(`title.${l}`)} label="Title" required>
              <input
                id={controlId(`title.${l}`)}
                className="cs-input"
                lang={l}
                data-testid={`draft-title-${l}`}
                value={draft.title[l]}
                aria-invalid={invalid(`title.${l}`)}
                onChange={(e) => setText('title', l, e.target.value)}
              />
            </Field>
            <Field id={controlId(`notice.${l}`)} label="Notice" required>
              <textarea
                id={controlId(`notice.${l}`)}
                className="cs-input cs-draft-notice"
                lang={l}
                rows={6}
                data-testid={`draft-notice-${l}`}
                value={draft.notice[l]}
                aria-invalid={invalid(`notice.${l}`)}
                onChange={(e) => setText('notice', l, e.target.value)}
              />
            </Field>
          </fieldset>
        ))}
      </div>
      <p className="cs-muted" role="status" data-testid="draft-missing">
        {missing.length === 0
          ? 'Every language has a title and a notice.'
          : `Still needed before publishing: ${missing.map((l) => IN_ENGLISH[l]).join(', ')}.`}
      </p>
      <DraftPreview draft={draft} purpose={purpose} />
      {problem ? (
        <p className="cs-error" role="alert" data-testid="admin-draft-error">
          {problem.message}
        </p>
      ) : null}
      <div className="cs-draft-actions">
        <button
          type="submit"
          className="cs-button cs-button-primary"
          data-testid="admin-publish"
          disabled={busy}
        >
          {busy ? 'Publishing…' : 'Publish'}
        </button>
        <button type="button" className="cs-button" data-testid="admin-draft-cancel" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
