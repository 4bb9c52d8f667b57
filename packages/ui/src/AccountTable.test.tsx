import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { AccountTable } from './AccountTable'
import type { Account, AccountRefusal } from './accounts'

const ACCOUNTS: Account[] = [
  { username: 'admin1', id: 'admin1', role: 'admin', name: 'Admin', disabled: false },
  {
    username: 'agent.perera',
    id: 'agent.perera',
    role: 'csr',
    name: 'Agent Perera',
    disabled: false,
    createdAt: '2026-12-01T09:00:00Z',
  },
  { username: 'dpo', id: 'dpo', role: 'auditor', name: 'Data Protection', disabled: true },
]

function setup(answer: AccountRefusal | null = null) {
  const onSetDisabled = vi.fn(async () => answer)
  const onSetPassword = vi.fn(async () => answer)
  render(
    <AccountTable
      accounts={ACCOUNTS}
      selfUsername="admin1"
      onSetDisabled={onSetDisabled}
      onSetPassword={onSetPassword}
    />,
  )
  return { onSetDisabled, onSetPassword, user: userEvent.setup() }
}

describe('AccountTable', () => {
  it('lists each account: username, name, role, status, created', () => {
    setup()
    const row = screen.getByTestId('account-row-agent.perera')
    expect(row.getAttribute('data-status')).toBe('active')
    expect(row.textContent).toContain('Agent Perera')
    expect(row.textContent).toContain('Agent (CSR)')
    expect(row.textContent).toContain('Active')
    expect(screen.getByTestId('account-row-dpo').textContent).toContain('Auditor (read-only)')
    expect(screen.getByTestId('account-row-dpo').textContent).toContain('Disabled')
  })

  it("offers no Disable for the administrator's own account", () => {
    setup()
    const own = within(screen.getByTestId('account-row-admin1'))
    expect(own.queryByRole('button', { name: /Disable/ })).toBeNull()
    expect(own.getByText('(you)')).toBeTruthy()
  })

  it('asks before disabling, saying the open connections close at once', async () => {
    const { onSetDisabled, user } = setup()
    await user.click(screen.getByTestId('account-disable-agent.perera'))
    const dialog = screen.getByTestId('account-status-dialog')
    expect(dialog.textContent).toContain('every connection they have open closes at once')
    expect(onSetDisabled).not.toHaveBeenCalled()
    await user.click(screen.getByTestId('account-status-confirm'))
    expect(onSetDisabled).toHaveBeenCalledWith('agent.perera', true)
    await waitFor(() => expect(screen.queryByTestId('account-status-dialog')).toBeNull())
  })

  it('enables a disabled account after asking; Cancel changes nothing', async () => {
    const { onSetDisabled, user } = setup()
    await user.click(screen.getByTestId('account-enable-dpo'))
    await user.click(screen.getByTestId('account-status-cancel'))
    expect(screen.queryByTestId('account-status-dialog')).toBeNull()
    expect(onSetDisabled).not.toHaveBeenCalled()
    await user.click(screen.getByTestId('account-enable-dpo'))
    await user.click(screen.getByTestId('account-status-confirm'))
    expect(onSetDisabled).toHaveBeenCalledWith('dpo', false)
  })

  it("keeps the dialog open with the server's message when it refuses", async () => {
    const { user } = setup({ message: 'The account dpo is already enabled' })
    await user.click(screen.getByTestId('account-enable-dpo'))
    await user.click(screen.getByTestId('account-status-confirm'))
    expect((await screen.findByTestId('account-status-error')).textContent).toBe(
      'The account dpo is already enabled',
    )
  })

  it('sets a password, the refusal shown at the field', async () => {
    const { onSetPassword, user } = setup({
      message: 'The password is too common; choose another',
      field: 'password',
    })
    await user.click(screen.getByTestId('account-set-password-agent.perera'))
    await user.type(screen.getByTestId('account-new-password'), 'password1234')
    await user.click(screen.getByTestId('account-password-save'))
    expect(onSetPassword).toHaveBeenCalledWith('agent.perera', 'password1234')
    expect((await screen.findByTestId('account-new-password-error')).textContent).toContain('too common')
    expect(screen.getByTestId('account-new-password').getAttribute('aria-invalid')).toBe('true')
  })
})
