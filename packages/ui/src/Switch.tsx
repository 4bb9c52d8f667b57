import type { DecisionState, Language } from '@consent-sync/consent-core'
import { stateLabel } from './i18n'

export interface ConsentSwitchProps {
  purposeId: string
  state: DecisionState
  lang: Language
  /** id of the element naming the switch (the purpose title). */
  labelledBy: string
  describedBy?: string
  disabled?: boolean
  onToggle(next: DecisionState): void
}

/**
 * One button, one click either way: granting and withdrawing look and weigh the same.
 * It shows the folded state, never an optimistic guess.
 */
export function ConsentSwitch({
  purposeId,
  state,
  lang,
  labelledBy,
  describedBy,
  disabled,
  onToggle,
}: ConsentSwitchProps) {
  const granted = state === 'granted'
  return (
    <button
      type="button"
      role="switch"
      className="cs-switch"
      aria-checked={granted}
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      data-testid={`toggle-${purposeId}`}
      disabled={disabled}
      onClick={() => onToggle(granted ? 'withdrawn' : 'granted')}
    >
      <span className="cs-switch-track" aria-hidden="true">
        <span className="cs-switch-thumb" />
      </span>
      <span className="cs-switch-label" lang={lang}>
        {stateLabel(lang, state)}
      </span>
    </button>
  )
}
