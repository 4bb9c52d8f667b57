import { useId } from 'react'
import {
  AGENT_CHANNELS,
  type AgentChannel,
  type DecisionFormValue,
  EVIDENCE_MAX,
} from './decision-form-state'
import { Field } from './Field'

export interface DecisionFormProps {
  value: DecisionFormValue
  onChange(value: DecisionFormValue): void
  /** Shown after a toggle with the form incomplete. */
  error: string | null
  disabled?: boolean
}

const CHANNEL_LABEL: Readonly<Record<AgentChannel, string>> = {
  phone: 'By phone',
  store: 'In a store',
}

/** How the customer told the agent, and the evidence: both required before a toggle records anything. */
export function DecisionForm({ value, onChange, error, disabled = false }: DecisionFormProps) {
  const id = useId()
  const count = value.evidence.length
  return (
    <fieldset
      className="cs-decision-form"
      lang="en"
      disabled={disabled}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <legend>Record a decision the customer gave you</legend>
      <div className="cs-form-row">
        <Field id={`${id}-channel`} label="Channel" required>
          <select
            id={`${id}-channel`}
            data-testid="channel-select"
            className="cs-input"
            required
            aria-invalid={error !== null && value.channel === '' ? true : undefined}
            value={value.channel}
            onChange={(e) => onChange({ ...value, channel: e.target.value as AgentChannel | '' })}
          >
            <option value="">Choose…</option>
            {AGENT_CHANNELS.map((c) => (
              <option key={c} value={c}>
                {CHANNEL_LABEL[c]}
              </option>
            ))}
          </select>
        </Field>
        <Field id={`${id}-evidence`} label="Evidence" required>
          <textarea
            id={`${id}-evidence`}
            data-testid="evidence-input"
            className="cs-input cs-evidence"
            required
            rows={2}
            maxLength={EVIDENCE_MAX}
            placeholder="Call reference, ticket, what the customer said"
            aria-describedby={`${id}-count`}
            aria-invalid={error !== null && value.evidence.trim() === '' ? true : undefined}
            value={value.evidence}
            onChange={(e) => onChange({ ...value, evidence: e.target.value.slice(0, EVIDENCE_MAX) })}
          />
          <span id={`${id}-count`} className="cs-counter" data-testid="evidence-count">
            {count}/{EVIDENCE_MAX} characters
          </span>
        </Field>
      </div>
      {error && (
        <p id={`${id}-error`} className="cs-error" role="alert" data-testid="decision-form-error">
          {error}
        </p>
      )}
    </fieldset>
  )
}
