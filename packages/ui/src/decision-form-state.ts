/** Channels an agent records a decision through on the dashboards (a subset of CHANNELS_BY_ROLE.csr). */
export const AGENT_CHANNELS = ['phone', 'store'] as const
export type AgentChannel = (typeof AGENT_CHANNELS)[number]

export const EVIDENCE_MAX = 500

export interface DecisionFormValue {
  channel: AgentChannel | ''
  evidence: string
}

export const EMPTY_FORM: DecisionFormValue = { channel: '', evidence: '' }

export type FormCheck = { ok: true; channel: AgentChannel; evidence: string } | { ok: false; message: string }

/** Whether the form says enough to record a decision (DESIGN.md §4: evidence is required of agents here). */
export function checkDecisionForm(value: DecisionFormValue): FormCheck {
  const evidence = value.evidence.trim()
  const missing: string[] = []
  if (value.channel === '') missing.push('the channel')
  if (evidence === '') missing.push('an evidence note')
  if (missing.length > 0) {
    return { ok: false, message: `Before recording a decision, give ${missing.join(' and ')}.` }
  }
  if (evidence.length > EVIDENCE_MAX) {
    return { ok: false, message: `The evidence note is longer than ${EVIDENCE_MAX} characters.` }
  }
  return { ok: true, channel: value.channel as AgentChannel, evidence }
}
