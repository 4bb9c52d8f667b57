import { useState } from 'react'
import { AccountStatusDialog, SetPasswordDialog } from './AccountDialogs'
import { type Account, type AccountRefusal, roleLabel } from './accounts'
import { localDateAndTime } from './local-time'

export interface AccountTableProps {
  accounts: readonly Account[]
  /** The signed-in administrator: their own account offers no "Disable". */
  selfUsername: string
  /** Disables (true) or enables (false) an account; the server's refusal, or null once done. */
  onSetDisabled(username: string, disabled: boolean): Promise<AccountRefusal | null>
  onSetPassword(username: string, password: string): Promise<AccountRefusal | null>
}

type Asking = { kind: 'status' | 'password'; account: Account } | null

function created(at: string | undefined): string {
  if (!at) return '—'
  const { date, time } = localDateAndTime(at)
  return `${date} ${time}`
}

/** Every built-in account: who, which role, active or disabled, since when; the admin's actions. */
export function AccountTable({ accounts, selfUsername, onSetDisabled, onSetPassword }: AccountTableProps) {
  const [asking, setAsking] = useState<Asking>(null)
  const close = () => setAsking(null)
  return (
    <>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll box a keyboard must reach to scroll the table sideways */}
      <section className="cs-audit-scroll" aria-label="Accounts" tabIndex={0}>
        <table className="cs-audit-table cs-account-table" data-testid="accounts-table">
          <thead>
            <tr>
              <th scope="col">Username</th>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {accounts.length === 0 && (
              <tr>
                <td colSpan={6} className="cs-muted">
                  No accounts.
                </td>
              </tr>
            )}
            {accounts.map((a) => {
              const self = a.username === selfUsername
              return (
                <tr
                  key={a.username}
                  data-testid={`account-row-${a.username}`}
                  data-status={a.disabled ? 'disabled' : 'active'}
                  data-role={a.role}
                >
                  <th scope="row">
                    <code>{a.username}</code>
                    {self ? <span className="cs-muted"> (you)</span> : null}
                  </th>
                  <td>{a.name}</td>
                  <td>
                    {roleLabel(a.role)}
                    {a.customerId && a.customerId !== a.username ? (
                      <span className="cs-muted"> · {a.customerId}</span>
                    ) : null}
                  </td>
                  <td>
                    <span className="cs-account-status" data-status={a.disabled ? 'disabled' : 'active'}>
                      {a.disabled ? 'Disabled' : 'Active'}
                    </span>
                  </td>
                  <td className="cs-nowrap">{created(a.createdAt)}</td>
                  <td className="cs-account-actions">
                    {self ? null : (
                      <button
                        type="button"
                        className={a.disabled ? 'cs-button' : 'cs-button cs-button-danger'}
                        data-testid={`account-${a.disabled ? 'enable' : 'disable'}-${a.username}`}
                        aria-label={`${a.disabled ? 'Enable' : 'Disable'} ${a.username}`}
                        onClick={() => setAsking({ kind: 'status', account: a })}
                      >
                        {a.disabled ? 'Enable' : 'Disable'}
                      </button>
                    )}
                    <button
                      type="button"
                      className="cs-button"
                      data-testid={`account-set-password-${a.username}`}
                      aria-label={`Set password for ${a.username}`}
                      onClick={() => setAsking({ kind: 'password', account: a })}
                    >
                      Set password
                    </button>
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </section>
      {asking?.kind === 'status' ? (
        <AccountStatusDialog
          account={asking.account}
          onConfirm={() => onSetDisabled(asking.account.username, !asking.account.disabled)}
          onClose={close}
        />
      ) : null}
      {asking?.kind === 'password' ? (
        <SetPasswordDialog
          account={asking.account}
          onSave={(password) => onSetPassword(asking.account.username, password)}
          onClose={close}
        />
      ) : null}
    </>
  )
}
