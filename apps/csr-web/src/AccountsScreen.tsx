import { AccountTable, NewAccountForm, roleLabel, useToast } from '@consent-sync/ui'
import { useSession } from './SessionContext'
import { useAccounts } from './useAccounts'

interface Props {
  /** After each change the server accepted (the administrators' log reloads). */
  onChanged(): void
  onClose(): void
}

/**
 * The administrators' accounts screen: every built-in account with its role and status, a form to
 * create one, and disabling, enabling and setting a password, each asked for and logged.
 */
export function AccountsScreen({ onChanged, onClose }: Props) {
  const toast = useToast()
  const { session } = useSession()
  const accounts = useAccounts(onChanged)
  return (
    <section className="csr-card" aria-labelledby="accounts-title" data-testid="accounts-screen">
      <div className="csr-card-head">
        <h2 id="accounts-title" className="csr-card-title">
          Accounts
        </h2>
        <button type="button" className="csr-button csr-button-quiet" onClick={onClose}>
          Back to customers
        </button>
      </div>
      <p className="cs-muted">
        Built-in accounts sign in with a username and password. People who sign in through your identity
        provider are managed there.
      </p>
      <div className="csr-accounts-create">
        <NewAccountForm
          onCreate={async (body) => {
            const refusal = await accounts.create(body)
            if (!refusal) toast(`Created account ${body.username} (${roleLabel(body.role)}).`, 'success')
            return refusal
          }}
        />
      </div>
      {accounts.error ? (
        <p className="cs-error" role="alert" data-testid="accounts-error">
          Could not load the accounts: {accounts.error} Reload the page to try again.
        </p>
      ) : null}
      <AccountTable
        accounts={accounts.accounts}
        selfUsername={session.user.id}
        onSetDisabled={async (username, disabled) => {
          const refusal = await accounts.setDisabled(username, disabled)
          if (!refusal) {
            toast(
              disabled
                ? `Disabled ${username}: their open connections were closed.`
                : `Enabled ${username}: they can sign in again.`,
              'success',
            )
          }
          return refusal
        }}
        onSetPassword={async (username, password) => {
          const refusal = await accounts.setPassword(username, password)
          if (!refusal) toast(`Set a new password for ${username}.`, 'success')
          return refusal
        }}
      />
      <p className="cs-muted" role="status">
        {accounts.loading ? 'Loading…' : `${accounts.accounts.length} accounts`}
      </p>
    </section>
  )
}
