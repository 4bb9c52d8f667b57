import { useId } from 'react'
import { AGENT_CHANNELS, type AgentChannel, type DecisionFormValue, EVIDENCE_MAX } from './decisionForm'

interface Props {
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
export function DecisionForm({ value, onChange, error, disabled = false }: Props) {
  const id = useId()
  const count = value.evidence.length
  return (
    <fieldset
      className="csr-decision-form"
      disabled={disabled}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <legend className="csr-card-title">Record a decision the customer gave you</legend>
      <div className="csr-form-row">
        <div className="csr-field csr-field-channel">
          <label htmlFor={`${id}-channel`} className="csr-label">
            Channel <span className="csr-required">(required)</span>
          </label>
          <select
            id={`${id}-channel`}
            data-testid="channel-select"
            className="csr-input"
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
        </div>
        <div className="csr-field csr-field-evidence">
          <label htmlFor={`${id}-evidence`} className="csr-label">
            Evidence <span className="csr-required">(required)</span>
          </label>
          <textarea
            id={`${id}-evidence`}
            data-testid="evidence-input"
            className="csr-input csr-evidence"
            required
            rows={2}
            maxLength={EVIDENCE_MAX}
            placeholder="Call reference, ticket, what the customer said"
            aria-describedby={`${id}-count`}
            aria-invalid={error !== null && value.evidence.trim() === '' ? true : undefined}
            value={value.evidence}
            onChange={(e) => onChange({ ...value, evidence: e.target.value.slice(0, EVIDENCE_MAX) })}
          />
          <span id={`${id}-count`} className="csr-muted csr-counter" data-testid="evidence-count">
            {count}/{EVIDENCE_MAX} characters
          </span>
        </div>
      </div>
      {error && (
        <p id={`${id}-error`} className="csr-error" role="alert" data-testid="decision-form-error">
          {error}
        </p>
      )}
    </fieldset>
  )
}
