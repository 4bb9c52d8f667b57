import { type FormEvent, useId, useRef, useState } from 'react'
import {
  ACCOUNT_ROLES,
  type AccountRefusal,
  type AccountRole,
  type NewAccountBody,
  roleLabel,
} from './accounts'
import { Field } from './Field'
import { PasswordField } from './PasswordField'

export interface NewAccountFormProps {
  /** Sends the account; the server's refusal (shown at the field it names), or null once created. */
  onCreate(body: NewAccountBody): Promise<AccountRefusal | null>
}

type FieldName = 'username' | 'name' | 'role' | 'customerId' | 'password'

const EMPTY = { username: '', name: '', role: 'csr' as AccountRole, customerId: '', password: '' }

/**
 * Creates a built-in account: username, name, role, the customer id for a customer (whose username
 * it is), a password with the rules beside it. A refusal is shown at the field the server names.
 */
export function NewAccountForm({ onCreate }: NewAccountFormProps) {
  const id = useId()
  const [value, setValue] = useState(EMPTY)
  const [refusal, setRefusal] = useState<AccountRefusal | null>(null)
  const [busy, setBusy] = useState(false)
  const inputs = useRef(new Map<FieldName, HTMLElement | null>())
  const isCustomer = value.role === 'customer'

  // A customer's username is its customer id: the server's "username" is that field here.
  const shownAt = (field: string | undefined): FieldName | null => {
    if (field === 'username' && isCustomer) return 'customerId'
    return field === 'username' ||
      field === 'name' ||
      field === 'role' ||
      field === 'customerId' ||
      field === 'password'
      ? field
      : null
  }
  const errorField = refusal ? shownAt(refusal.field) : null
  const errorOf = (field: FieldName) => (errorField === field ? refusal?.message : undefined)
  const set = (patch: Partial<typeof EMPTY>) => setValue((v) => ({ ...v, ...patch }))

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setRefusal(null)
    const customerId = value.customerId.trim()
    const body: NewAccountBody = {
      username: isCustomer ? customerId : value.username.trim(),
      role: value.role,
      name: value.name.trim(),
      password: value.password,
      ...(isCustomer ? { customerId } : {}),
    }
    const answer = await onCreate(body).catch(
      (err: unknown): AccountRefusal => ({
        message: err instanceof Error ? err.message : 'The account could not be created.',
      }),
    )
    setBusy(false)
    if (!answer) {
      setValue(EMPTY)
      return
    }
    setRefusal(answer)
    const at = shownAt(answer.field)
    if (at) inputs.current.get(at)?.focus()
  }

  const fieldProps = (field: FieldName) => {
    const error = errorOf(field)
    return {
      id: `${id}-${field}`,
      ref: (el: HTMLElement | null) => {
        inputs.current.set(field, el)
      },
      className: 'cs-input',
      'data-testid': `account-${field}`,
      'aria-invalid': error ? true : undefined,
      'aria-describedby': error ? `${id}-${field}-error` : undefined,
    }
  }
  const fieldError = (field: FieldName) => {
    const error = errorOf(field)
    return error ? (
      <p className="cs-error" id={`${id}-${field}-error`} data-testid={`account-${field}-error`}>
        {error}
      </p>
    ) : null
  }

  return (
    <form className="cs-account-form" aria-labelledby={`${id}-title`} onSubmit={(e) => void submit(e)}>
      <h3 id={`${id}-title`} className="cs-account-form-title">
        New account
      </h3>
      <div className="cs-account-fields">
        <Field id={`${id}-role`} label="Role">
          <select
            {...fieldProps('role')}
            value={value.role}
            onChange={(e) => set({ role: e.currentTarget.value as AccountRole })}
          >
            {ACCOUNT_ROLES.map((role) => (
              <option key={role} value={role}>
                {roleLabel(role)}
              </option>
            ))}
          </select>
          {fieldError('role')}
        </Field>
        {isCustomer ? (
          <Field id={`${id}-customerId`} label="Customer id" required>
            <input
              {...fieldProps('customerId')}
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              required
              value={value.customerId}
              onChange={(e) => set({ customerId: e.currentTarget.value })}
            />
            {fieldError('customerId')}
            <p className="cs-muted cs-field-help">
              The customer signs in with their customer id as the username.
            </p>
          </Field>
        ) : (
          <Field id={`${id}-username`} label="Username" required>
            <input
              {...fieldProps('username')}
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={value.username}
              onChange={(e) => set({ username: e.currentTarget.value })}
            />
            {fieldError('username')}
          </Field>
        )}
        <Field id={`${id}-name`} label="Name" required>
          <input
            {...fieldProps('name')}
            autoComplete="off"
            required
            value={value.name}
            onChange={(e) => set({ name: e.currentTarget.value })}
          />
          {fieldError('name')}
        </Field>
      </div>
      <PasswordField
        id={`${id}-password`}
        label="Password (required)"
        value={value.password}
        onChange={(password) => set({ password })}
        error={errorOf('password')}
        testId="account-password"
        inputRef={(el) => {
          inputs.current.set('password', el)
        }}
      />
      {refusal && !errorField ? (
        <p className="cs-error" role="alert" data-testid="account-error">
          {refusal.message}
        </p>
      ) : null}
      {/* A refusal at a field is announced here once; the field itself carries it for later. */}
      <p className="cs-visually-hidden" role="status">
        {refusal && errorField ? `Not created: ${refusal.message}` : ''}
      </p>
      <div>
        <button
          type="submit"
          className="cs-button cs-button-primary"
          data-testid="account-create"
          disabled={busy}
        >
          {busy ? 'Creating…' : 'Create account'}
        </button>
      </div>
    </form>
  )
}
