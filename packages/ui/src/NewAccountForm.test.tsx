import { render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import type { AccountRefusal, NewAccountBody } from './accounts'
import { NewAccountForm } from './NewAccountForm'

function setup(answer: (body: NewAccountBody) => AccountRefusal | null) {
  const onCreate = vi.fn(async (body: NewAccountBody) => answer(body))
  render(<NewAccountForm onCreate={onCreate} />)
  return { onCreate, user: userEvent.setup() }
}

describe('NewAccountForm', () => {
  it('sends a csr account and empties itself once created', async () => {
    const { onCreate, user } = setup(() => null)
    await user.type(screen.getByTestId('account-username'), ' agent.perera ')
    await user.type(screen.getByTestId('account-name'), 'Agent Perera')
    await user.type(screen.getByTestId('account-password'), 'tea plantation sunrise')
    await user.click(screen.getByTestId('account-create'))
    expect(onCreate).toHaveBeenCalledWith({
      username: 'agent.perera',
      role: 'csr',
      name: 'Agent Perera',
      password: 'tea plantation sunrise',
    })
    await waitFor(() => expect((screen.getByTestId('account-username') as HTMLInputElement).value).toBe(''))
  })

  it("shows the server's refusal at the field it names, focused and described by it", async () => {
    const { user } = setup(() => ({
      message: 'The password must be at least 12 characters',
      field: 'password',
    }))
    await user.type(screen.getByTestId('account-username'), 'agent.perera')
    await user.type(screen.getByTestId('account-name'), 'Agent Perera')
    await user.type(screen.getByTestId('account-password'), 'short')
    await user.click(screen.getByTestId('account-create'))
    const error = await screen.findByTestId('account-password-error')
    expect(error.textContent).toBe('The password must be at least 12 characters')
    const password = screen.getByTestId('account-password')
    expect(password.getAttribute('aria-invalid')).toBe('true')
    expect(password.getAttribute('aria-describedby')).toContain(error.id)
    expect(document.activeElement).toBe(password)
    // The rest of what was typed stays, to be corrected rather than typed again.
    expect((screen.getByTestId('account-username') as HTMLInputElement).value).toBe('agent.perera')
    expect(screen.queryByTestId('account-error')).toBeNull()
  })

  it('asks a customer account for its customer id, which is also its username', async () => {
    const { onCreate, user } = setup(() => ({
      message: 'Customer C-0099 is not in the directory',
      field: 'username',
    }))
    expect(screen.queryByTestId('account-customerId')).toBeNull()
    await user.selectOptions(screen.getByTestId('account-role'), 'customer')
    expect(screen.queryByTestId('account-username')).toBeNull()
    await user.type(screen.getByTestId('account-customerId'), 'C-0099')
    await user.type(screen.getByTestId('account-name'), 'Nimal Silva')
    await user.type(screen.getByTestId('account-password'), 'tea plantation sunrise')
    await user.click(screen.getByTestId('account-create'))
    expect(onCreate).toHaveBeenCalledWith(
      expect.objectContaining({ username: 'C-0099', customerId: 'C-0099', role: 'customer' }),
    )
    // The username the server names is the customer id field here.
    expect((await screen.findByTestId('account-customerId-error')).textContent).toContain('C-0099')
  })

  it('shows the password on request, and the rules beside it', async () => {
    const { user } = setup(() => null)
    const password = screen.getByTestId('account-password')
    expect(password.getAttribute('type')).toBe('password')
    await user.click(screen.getByRole('button', { name: 'Show password' }))
    expect(password.getAttribute('type')).toBe('text')
    expect(screen.getByText(/At least 12 characters/)).toBeTruthy()
  })

  it('says a refusal without a field above the button, and shows the pending state', async () => {
    let answer: (refusal: AccountRefusal | null) => void = () => {}
    const onCreate = vi.fn(() => new Promise<AccountRefusal | null>((resolve) => (answer = resolve)))
    render(<NewAccountForm onCreate={onCreate} />)
    const user = userEvent.setup()
    await user.type(screen.getByTestId('account-username'), 'agent.perera')
    await user.type(screen.getByTestId('account-name'), 'Agent Perera')
    await user.type(screen.getByTestId('account-password'), 'tea plantation sunrise')
    await user.click(screen.getByTestId('account-create'))
    const button = screen.getByTestId('account-create') as HTMLButtonElement
    expect(button.disabled).toBe(true)
    expect(button.textContent).toBe('Creating…')
    answer({ message: 'The server cannot be reached. Check the connection.' })
    expect((await screen.findByTestId('account-error')).textContent).toContain('cannot be reached')
    expect(button.disabled).toBe(false)
  })
})
