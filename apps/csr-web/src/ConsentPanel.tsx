import type { DecisionState, Language, PurposeCatalog } from '@consent-sync/consent-core'
import { useConsentState } from '@consent-sync/react'
import type { ConsentHandle } from '@consent-sync/sync-client'
import { type ActorNames, ConsentRow, LanguageSwitch, useToast } from '@consent-sync/ui'
import { type FocusEvent, useRef, useState } from 'react'
import { DecisionForm } from './DecisionForm'
import { checkDecisionForm, type DecisionFormValue, EMPTY_FORM } from './decisionForm'
import { purposeTitle } from './purposeTitle'

interface Props {
  handle: ConsentHandle
  catalog: PurposeCatalog
  selfId: string
  names: ActorNames
  /** Administrators may read a record but not decide (the server refuses their updates). */
  readOnly: boolean
  /** The language of the purposes' titles and notices. */
  lang: Language
  onLanguage(lang: Language): void
}

/**
 * The decision form and one row per purpose. A toggle records a decision only when the form says
 * how the customer told the agent and what the evidence is; while the agent works here, the other
 * people on this record see them as editing.
 */
export function ConsentPanel({ handle, catalog, selfId, names, readOnly, lang, onLanguage }: Props) {
  const purposes = useConsentState(handle, (s) => s.purposes)
  const loaded = useConsentState(handle, (s) => s.loaded)
  const [form, setForm] = useState<DecisionFormValue>(EMPTY_FORM)
  const [error, setError] = useState<string | null>(null)
  const panel = useRef<HTMLDivElement>(null)
  const editing = useRef(false)
  const toast = useToast()

  const setEditing = (next: boolean) => {
    if (editing.current === next) return
    editing.current = next
    handle.setEditing(next)
  }
  const onBlur = (e: FocusEvent) => {
    if (!panel.current?.contains(e.relatedTarget as Node | null)) setEditing(false)
  }

  const onChange = (value: DecisionFormValue) => {
    setForm(value)
    if (error && checkDecisionForm(value).ok) setError(null)
  }

  const onToggle = (purposeId: string, next: DecisionState) => {
    const check = checkDecisionForm(form)
    if (!check.ok) {
      setError(check.message)
      return
    }
    setError(null)
    handle.decide({ purposeId, state: next, channel: check.channel, evidence: check.evidence })
    toast(`Recorded: ${purposeTitle(catalog, purposeId)} ${next} (${check.channel}).`)
  }

  return (
    <section
      className="csr-card csr-consents"
      aria-labelledby="consents-title"
      ref={panel}
      onFocus={() => setEditing(true)}
      onBlur={onBlur}
    >
      <div className="csr-card-head">
        <h2 id="consents-title" className="csr-card-title">
          Consents
        </h2>
        <LanguageSwitch value={lang} onChange={onLanguage} />
      </div>
      {readOnly ? (
        <p className="csr-note">Administrators can read this record but not record decisions.</p>
      ) : (
        <DecisionForm value={form} onChange={onChange} error={error} />
      )}
      {!loaded && <p className="csr-muted">Loading the record…</p>}
      <div className="csr-rows">
        {purposes.map((state) => {
          const purpose = catalog.purposes.find((p) => p.id === state.purposeId)
          if (!purpose) return null
          return (
            <ConsentRow
              key={purpose.id}
              purpose={purpose}
              state={state}
              lang={lang}
              viewer="csr"
              selfId={selfId}
              names={names}
              disabled={readOnly}
              onToggle={(next) => onToggle(purpose.id, next)}
            />
          )
        })}
      </div>
    </section>
  )
}
