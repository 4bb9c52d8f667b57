import type { DecisionState, Language, PurposeCatalog, PurposeState } from '@consent-sync/consent-core'
import { useState } from 'react'
import { ConsentList } from './ConsentList'
import { DecisionForm } from './DecisionForm'
import {
  type AgentChannel,
  checkDecisionForm,
  type DecisionFormValue,
  EMPTY_FORM,
} from './decision-form-state'
import type { ActorNames } from './describe'

/** What an agent's toggle records: the purpose, the new state, and how the customer said so. */
export interface AgentDecision {
  purposeId: string
  state: DecisionState
  channel: AgentChannel
  evidence: string
}

export interface ConsentPanelProps {
  purposes: readonly PurposeState[]
  catalog: PurposeCatalog
  /** The language of the purposes' titles and notices (the form itself is in English). */
  lang: Language
  selfId: string
  names?: ActorNames
  /** Purposes with a change not yet confirmed ("Waiting to sync"). */
  waiting?: readonly string[]
  /** Administrators may read a record but not decide (the server refuses their updates). */
  readOnly?: boolean
  /** Called only with a complete form: a channel and an evidence note. */
  onDecide(decision: AgentDecision): void
}

/**
 * An agent's view of a customer's consents: the decision form and one row per purpose. A toggle
 * records a decision only when the form says how the customer told the agent and what the evidence is;
 * otherwise the form says what is missing and nothing is recorded.
 */
export function ConsentPanel({
  purposes,
  catalog,
  lang,
  selfId,
  names = {},
  waiting = [],
  readOnly = false,
  onDecide,
}: ConsentPanelProps) {
  const [form, setForm] = useState<DecisionFormValue>(EMPTY_FORM)
  const [error, setError] = useState<string | null>(null)

  const onChange = (value: DecisionFormValue) => {
    setForm(value)
    if (error && checkDecisionForm(value).ok) setError(null)
  }
  const onToggle = (purposeId: string, state: DecisionState) => {
    const check = checkDecisionForm(form)
    if (!check.ok) {
      setError(check.message)
      return
    }
    setError(null)
    onDecide({ purposeId, state, channel: check.channel, evidence: check.evidence })
  }

  return (
    <>
      {readOnly ? (
        <p className="cs-note" lang="en">
          Administrators can read this record but not record decisions.
        </p>
      ) : (
        <DecisionForm value={form} onChange={onChange} error={error} />
      )}
      <ConsentList
        purposes={purposes}
        catalog={catalog}
        lang={lang}
        viewer="csr"
        selfId={selfId}
        names={names}
        waiting={waiting}
        disabled={readOnly}
        onToggle={onToggle}
      />
    </>
  )
}
