import { type FormEvent, useId, useState } from 'react'
import type { Account, AccountRefusal } from './accounts'
import { Dialog } from './Dialog'
import { PasswordField } from './PasswordField'

interface StatusProps {
  account: Account
  /** Disable (true) or enable (false) it; the server's refusal, or null once done. */
  onConfirm(): Promise<AccountRefusal | null>
  onClose(): void
}

/** Asks before disabling (its open connections close at once) or enabling an account. */
export function AccountStatusDialog({ account, onConfirm, onClose }: StatusProps) {
  const disabling = !account.disabled
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const confirm = async () => {
    setBusy(true)
    setError(null)
    const refusal = await onConfirm()
    setBusy(false)
    if (refusal) setError(refusal.message)
    else onClose()
  }
  return (
    <Dialog
      title={disabling ? `Disable ${account.username}?` : `Enable ${account.username}?`}
      onClose={onClose}
      testId="account-status-dialog"
    >
      {disabling ? (
        <p>
          {account.name} can no longer sign in, and every connection they have open closes at once: records
          they have open stop updating and they are signed out. You can enable the account again later.
        </p>
      ) : (
        <p>{account.name} can sign in again with their current password.</p>
      )}
      {error ? (
        <p className="cs-error" role="alert" data-testid="account-status-error">
          {error}
        </p>
      ) : null}
      <div className="cs-dialog-actions">
        <button
          type="button"
          className={disabling ? 'cs-button cs-button-danger' : 'cs-button cs-button-primary'}
          data-testid="account-status-confirm"
          disabled={busy}
          onClick={() => void confirm()}
        >
          {busy
            ? disabling
              ? 'Disabling…'
              : 'Enabling…'
            : disabling
              ? `Disable ${account.username}`
              : `Enable ${account.username}`}
        </button>
        <button type="button" className="cs-button" data-testid="account-status-cancel" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  )
}

interface PasswordProps {
  account: Account
  onSave(password: string): Promise<AccountRefusal | null>
  onClose(): void
}

/** Sets a new password for an account, the rules beside it and the refusal at the field. */
export function SetPasswordDialog({ account, onSave, onClose }: PasswordProps) {
  const id = useId()
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [refusal, setRefusal] = useState<AccountRefusal | null>(null)
  const save = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setRefusal(null)
    const answer = await onSave(password)
    setBusy(false)
    if (answer) setRefusal(answer)
    else onClose()
  }
  const atField = refusal && (refusal.field === undefined || refusal.field === 'password')
  return (
    <Dialog
      title={`Set a password for ${account.username}`}
      onClose={onClose}
      testId="account-password-dialog"
    >
      <form onSubmit={(e) => void save(e)} className="cs-dialog-form">
        <p className="cs-muted">
          The new password works from the next sign-in; whoever is signed in stays signed in. To sign them out
          at once, disable the account.
        </p>
        <PasswordField
          id={`${id}-password`}
          label="New password"
          value={password}
          onChange={setPassword}
          error={atField ? refusal.message : null}
          testId="account-new-password"
        />
        {refusal && !atField ? (
          <p className="cs-error" role="alert">
            {refusal.message}
          </p>
        ) : null}
        <p className="cs-visually-hidden" role="status">
          {atField ? `Not set: ${refusal.message}` : ''}
        </p>
        <div className="cs-dialog-actions">
          <button
            type="submit"
            className="cs-button cs-button-primary"
            data-testid="account-password-save"
            disabled={busy}
          >
            {busy ? 'Setting…' : 'Set password'}
          </button>
          <button type="button" className="cs-button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  )
}
