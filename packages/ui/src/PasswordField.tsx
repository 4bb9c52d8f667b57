import { type Ref, useState } from 'react'
import { PASSWORD_RULES } from './accounts'

export interface PasswordFieldProps {
  /** The input's id; the rules and the error take ids after it. */
  id: string
  label: string
  value: string
  onChange(value: string): void
  /** The server's (or the form's) message about this password. */
  error?: string | null | undefined
  testId: string
  inputRef?: Ref<HTMLInputElement>
}

/** A new password: the rules beside it, a "Show" toggle, and the refusal at the field. */
export function PasswordField({ id, label, value, onChange, error, testId, inputRef }: PasswordFieldProps) {
  const [shown, setShown] = useState(false)
  const describedBy = error ? `${id}-error ${id}-rules` : `${id}-rules`
  return (
    <div className="cs-field cs-password-field">
      <label htmlFor={id} className="cs-label">
        {label}
      </label>
      <div className="cs-password-row">
        <input
          id={id}
          ref={inputRef}
          className="cs-input"
          data-testid={testId}
          type={shown ? 'text' : 'password'}
          autoComplete="new-password"
          autoCapitalize="none"
          spellCheck={false}
          required
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          value={value}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
        <button
          type="button"
          className="cs-button"
          data-testid={`${testId}-show`}
          aria-label={shown ? 'Hide password' : 'Show password'}
          aria-controls={id}
          onClick={() => setShown((s) => !s)}
        >
          {shown ? 'Hide' : 'Show'}
        </button>
      </div>
      {error ? (
        <p className="cs-error" id={`${id}-error`} data-testid={`${testId}-error`}>
          {error}
        </p>
      ) : null}
      <p className="cs-muted cs-field-help" id={`${id}-rules`}>
        {PASSWORD_RULES}
      </p>
    </div>
  )
}
