import type { DecisionState } from '@consent-sync/consent-core'
import { useState } from 'react'
import { ConsentList, type ConsentRowsProps } from './ConsentList'
import { DecisionForm } from './DecisionForm'
import {
  type AgentChannel,
  checkDecisionForm,
  type DecisionFormValue,
  EMPTY_FORM,
} from './decision-form-state'

/** What an agent's toggle records: the purpose, the new state, and how the customer said so. */
export interface AgentDecision {
  purposeId: string
  state: DecisionState
  channel: AgentChannel
  evidence: string
}

/** `lang` is the language of the purposes' titles and notices; the form itself is in English. */
export interface ConsentPanelProps extends ConsentRowsProps {
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
export function ConsentPanel({ readOnly = false, onDecide, ...rows }: ConsentPanelProps) {
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
          You can read this record but not record decisions: only agents decide for a customer.
        </p>
      ) : (
        <DecisionForm value={form} onChange={onChange} error={error} />
      )}
      <ConsentList {...rows} viewer="csr" disabled={readOnly} onToggle={onToggle} />
    </>
  )
}
