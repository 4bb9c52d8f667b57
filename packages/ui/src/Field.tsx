import type { ReactNode } from 'react'

export interface FieldProps {
  /** The id of the control inside, which the label names. */
  id: string
  label: ReactNode
  /** Says "(required)" after the label. */
  required?: boolean
  children: ReactNode
}

/** A labelled form control (`cs-field`): the label above, the control given as children. */
export function Field({ id, label, required = false, children }: FieldProps) {
  return (
    <div className="cs-field">
      <label htmlFor={id} className="cs-label">
        {label}
        {required ? (
          <>
            {' '}
            <span className="cs-required">(required)</span>
          </>
        ) : null}
      </label>
      {children}
    </div>
  )
}
