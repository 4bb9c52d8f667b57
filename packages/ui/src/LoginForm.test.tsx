import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { LoginForm } from './LoginForm'

function setup(onSubmit: (username: string, password: string) => Promise<void>) {
  render(<LoginForm title="Consent desk: sign in" hint="Demo: csr1" onSubmit={onSubmit} />)
  return {
    user: userEvent.setup(),
    username: screen.getByTestId('login-username'),
    password: screen.getByTestId('login-password'),
    submit: screen.getByTestId('login-submit') as HTMLButtonElement,
  }
}

describe('LoginForm', () => {
  it('submits the trimmed username and the password', async () => {
    const onSubmit = vi.fn(async () => {})
    const { user, username, password, submit } = setup(onSubmit)
    await user.type(username, '  csr1 ')
    await user.type(password, 'consent-demo')
    await user.click(submit)
    expect(onSubmit).toHaveBeenCalledWith('csr1', 'consent-demo')
    expect(screen.queryByTestId('login-error')).toBeNull()
  })

  it('shows the message of a refused sign-in as an alert, and lets the person try again', async () => {
    const onSubmit = vi.fn(async () => {
      throw new Error('Unknown username or wrong password.')
    })
    const { user, username, password, submit } = setup(onSubmit)
    await user.type(username, 'csr1')
    await user.type(password, 'wrong')
    await user.click(submit)
    const error = await screen.findByTestId('login-error')
    expect(error.getAttribute('role')).toBe('alert')
    expect(error.textContent).toBe('Unknown username or wrong password.')
    expect(submit.disabled).toBe(false)
  })

  it('labels its fields and describes the form by its hint', () => {
    setup(async () => {})
    expect(screen.getByLabelText('Username')).toBe(screen.getByTestId('login-username'))
    expect(screen.getByRole('heading', { name: 'Consent desk: sign in' })).toBeTruthy()
    expect(screen.getByText('Demo: csr1')).toBeTruthy()
  })

  it("leads with the identity provider's link and keeps the password form", () => {
    render(
      <LoginForm
        title="Consent desk: sign in"
        onSubmit={async () => {}}
        provider={{
          href: 'https://id.example.lk/authorize',
          label: 'Sign in with your organisation',
          otherwise: 'Or sign in with a username and password',
        }}
      />,
    )
    const link = screen.getByRole('link', { name: 'Sign in with your organisation' })
    expect(link.getAttribute('href')).toBe('https://id.example.lk/authorize')
    expect(screen.getByTestId('login-username')).toBeTruthy()
    expect(screen.queryByText('Demo: csr1')).toBeNull()
  })

  it('says "Signing in…" while a handed-over token is checked, and waits', () => {
    render(<LoginForm title="Sign in" checking onSubmit={async () => {}} />)
    expect(screen.getByRole('status').textContent).toBe('Signing in…')
    expect((screen.getByTestId('login-submit') as HTMLButtonElement).disabled).toBe(true)
  })

  it('shows a message from outside the form as an alert', () => {
    render(<LoginForm title="Sign in" notice="Your session ended." onSubmit={async () => {}} />)
    expect(screen.getByTestId('login-notice').getAttribute('role')).toBe('alert')
    expect(screen.getByTestId('login-notice').textContent).toBe('Your session ended.')
  })
})
