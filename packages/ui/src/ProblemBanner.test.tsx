import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { ProblemBanner } from './ProblemBanner'

const REFUSED = { code: 4422, reason: 'unknown-purpose', message: 'The server refused a change.' }

describe('ProblemBanner', () => {
  it('shows nothing without a problem', () => {
    const { container } = render(<ProblemBanner problem={null} onDiscard={() => {}} />)
    expect(container.innerHTML).toBe('')
  })

  it('alerts with the reason, and discards on request, the button disabled until that is done', async () => {
    let finish = () => {}
    const onDiscard = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)))
    render(<ProblemBanner problem={REFUSED} onDiscard={onDiscard} />)
    const banner = screen.getByRole('alert')
    expect(banner.getAttribute('data-code')).toBe('4422')
    expect(banner.getAttribute('data-reason')).toBe('unknown-purpose')
    expect(banner.textContent).toContain('The server refused a change.')
    const discard = screen.getByTestId('discard-local') as HTMLButtonElement
    await userEvent.setup().click(discard)
    expect(onDiscard).toHaveBeenCalledTimes(1)
    expect(discard.disabled).toBe(true)
    finish()
    await vi.waitFor(() => expect(discard.disabled).toBe(false))
  })

  it('shows further actions beside the discard button', () => {
    render(
      <ProblemBanner problem={{ ...REFUSED, code: 4401 }} onDiscard={() => {}}>
        <button type="button">Sign in again</button>
      </ProblemBanner>,
    )
    expect(screen.getByRole('button', { name: 'Sign in again' })).toBeTruthy()
  })
})
