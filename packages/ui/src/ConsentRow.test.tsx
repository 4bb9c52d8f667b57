import type { DecisionState } from '@consent-sync/consent-core'
import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { ConsentRow, type ConsentRowProps } from './ConsentRow'
import { decision, SMS, settled } from './test-data'

function setup(overrides: Partial<ConsentRowProps> = {}) {
  const onToggle = vi.fn<(next: DecisionState) => void>()
  const props: ConsentRowProps = {
    purpose: SMS,
    state: settled(decision()),
    lang: 'en',
    viewer: 'customer',
    selfId: 'C-0001',
    onToggle,
    ...overrides,
  }
  const view = render(<ConsentRow {...props} />)
  return { ...view, onToggle, props, toggle: screen.getByRole('switch'), user: userEvent.setup() }
}

describe('ConsentRow', () => {
  it('shows the saved state on a switch named by the title, and who decided', () => {
    const { toggle } = setup()
    expect(toggle.getAttribute('aria-checked')).toBe('true')
    expect(screen.getByRole('switch', { name: SMS.title.en })).toBe(toggle)
    expect(toggle.textContent).toBe('Granted')
    expect(screen.getByTestId(`purpose-${SMS.id}`).getAttribute('data-state')).toBe('granted')
    expect(screen.getByTestId(`decided-by-${SMS.id}`).textContent).toMatch(/^Last decided: You, on the web/)
  })

  it('calls back with the other state and keeps showing the saved one until the state changes', async () => {
    const { toggle, onToggle, user, rerender, props } = setup()
    await user.click(toggle)
    expect(onToggle).toHaveBeenCalledWith('withdrawn')
    // Never an optimistic guess: the switch follows the folded state it is given.
    expect(toggle.getAttribute('aria-checked')).toBe('true')
    rerender(<ConsentRow {...props} state={settled(decision({ id: 'd-2', state: 'withdrawn' }))} />)
    expect(toggle.getAttribute('aria-checked')).toBe('false')
    await user.click(toggle)
    expect(onToggle).toHaveBeenLastCalledWith('granted')
  })

  it('does nothing when disabled', async () => {
    const { toggle, onToggle, user } = setup({ disabled: true })
    await user.click(toggle)
    expect(onToggle).not.toHaveBeenCalled()
  })

  it('says "Waiting to sync" for a pending change, in the switch description too', () => {
    const { toggle } = setup({ pending: true })
    expect(screen.getByText('Waiting to sync')).toBeTruthy()
    expect(toggle.getAttribute('aria-describedby')?.split(' ')).toHaveLength(2)
  })

  it('names each competing decision of a conflict, with names where known', () => {
    const mine = decision({ id: 'd-c', state: 'granted' })
    const agents = decision({
      id: 'd-a',
      state: 'withdrawn',
      actor: { id: 'csr1', role: 'csr' },
      channel: 'phone',
    })
    const { getByTestId } = setup({
      state: {
        purposeId: SMS.id,
        state: 'withdrawn',
        conflicted: true,
        decision: agents,
        heads: [agents, mine],
      },
      names: { csr1: 'Dilani Wickramasinghe' },
    })
    expect(getByTestId(`purpose-${SMS.id}`).getAttribute('data-conflicted')).toBe('true')
    const note = getByTestId(`conflict-${SMS.id}`).textContent ?? ''
    expect(note).toMatch(/Agent Dilani Wickramasinghe \(csr1\), by phone: Withdrawn/)
    expect(note).toMatch(/You, on the web: Granted/)
  })

  it('shows the purpose in Sinhala, and marks the language of each text', () => {
    setup({ lang: 'si' })
    const notice = screen.getByTestId(`notice-${SMS.id}`)
    expect(notice.textContent).toBe(SMS.notice.si)
    expect(notice.getAttribute('lang')).toBe('si')
  })
})
