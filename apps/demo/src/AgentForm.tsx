import { useId } from 'react'

/** Channels an agent records through here (as csr-web's decision form; apps do not share code). */
export const AGENT_CHANNELS = ['phone', 'store'] as const
export type AgentChannel = (typeof AGENT_CHANNELS)[number]
export const EVIDENCE_MAX = 500

export interface AgentFormValue {
  channel: AgentChannel | ''
  evidence: string
}

export const EMPTY_FORM: AgentFormValue = { channel: '', evidence: '' }

export type FormCheck = { ok: true; channel: AgentChannel; evidence: string } | { ok: false; message: string }

/** Whether the form says enough to record a decision: channel and evidence, as in csr-web. */
export function checkAgentForm(value: AgentFormValue): FormCheck {
  const evidence = value.evidence.trim()
  const missing: string[] = []
  if (value.channel === '') missing.push('the channel')
  if (evidence === '') missing.push('an evidence note')
  if (missing.length > 0)
    return { ok: false, message: `Before recording a decision, give ${missing.join(' and ')}.` }
  return { ok: true, channel: value.channel as AgentChannel, evidence: evidence.slice(0, EVIDENCE_MAX) }
}

const CHANNEL_LABEL: Readonly<Record<AgentChannel, string>> = { phone: 'By phone', store: 'In a store' }

interface Props {
  value: AgentFormValue
  onChange(value: AgentFormValue): void
  error: string | null
}

/** How the customer told the agent, and the evidence: both required before a toggle records anything. */
export function AgentForm({ value, onChange, error }: Props) {
  const id = useId()
  return (
    <fieldset className="demo-form" aria-describedby={error ? `${id}-error` : undefined}>
      <legend>Record a decision the customer gave you</legend>
      <div className="demo-form-row">
        <label className="demo-field">
          <span>
            Channel <span className="demo-muted">(required)</span>
          </span>
          <select
            data-testid="channel-select"
            required
            value={value.channel}
            aria-invalid={error !== null && value.channel === '' ? true : undefined}
            onChange={(e) => onChange({ ...value, channel: e.target.value as AgentChannel | '' })}
          >
            <option value="">Choose…</option>
            {AGENT_CHANNELS.map((c) => (
              <option key={c} value={c}>
                {CHANNEL_LABEL[c]}
              </option>
            ))}
          </select>
        </label>
        <label className="demo-field demo-field-wide">
          <span>
            Evidence <span className="demo-muted">(required)</span>
          </span>
          <input
            data-testid="evidence-input"
            required
            maxLength={EVIDENCE_MAX}
            placeholder="Call reference, what the customer said"
            aria-invalid={error !== null && value.evidence.trim() === '' ? true : undefined}
            value={value.evidence}
            onChange={(e) => onChange({ ...value, evidence: e.target.value })}
          />
        </label>
      </div>
      {error ? (
        <p id={`${id}-error`} className="demo-error" role="alert" data-testid="decision-form-error">
          {error}
        </p>
      ) : null}
    </fieldset>
  )
}
