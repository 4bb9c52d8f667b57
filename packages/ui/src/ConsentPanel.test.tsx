import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { ConsentPanel, type ConsentPanelProps } from './ConsentPanel'
import { CATALOG, decision, SMS, settled } from './test-data'

function setup(overrides: Partial<ConsentPanelProps> = {}) {
  const onDecide = vi.fn<ConsentPanelProps['onDecide']>()
  const purposes = CATALOG.purposes.map((p) =>
    p.id === SMS.id
      ? settled(decision())
      : { purposeId: p.id, state: p.default, conflicted: false, heads: [] },
  )
  render(
    <ConsentPanel
      purposes={purposes}
      catalog={CATALOG}
      lang="en"
      selfId="csr1"
      onDecide={onDecide}
      {...overrides}
    />,
  )
  return { onDecide, user: userEvent.setup(), toggle: screen.getByTestId(`toggle-${SMS.id}`) }
}

describe('ConsentPanel', () => {
  it('records nothing and says what is missing while the form lacks a channel or evidence', async () => {
    const { onDecide, user, toggle } = setup()
    await user.click(toggle)
    expect(onDecide).not.toHaveBeenCalled()
    const error = screen.getByTestId('decision-form-error')
    expect(error.textContent).toBe('Before recording a decision, give the channel and an evidence note.')
    expect(screen.getByTestId('channel-select').getAttribute('aria-invalid')).toBe('true')
    await user.selectOptions(screen.getByTestId('channel-select'), 'phone')
    await user.click(toggle)
    expect(screen.getByTestId('decision-form-error').textContent).toBe(
      'Before recording a decision, give an evidence note.',
    )
  })

  it('records the decision with channel and trimmed evidence once the form is complete, and clears the error', async () => {
    const { onDecide, user, toggle } = setup()
    await user.click(toggle)
    await user.selectOptions(screen.getByTestId('channel-select'), 'store')
    await user.type(screen.getByTestId('evidence-input'), '  Signed form #12 ')
    expect(screen.queryByTestId('decision-form-error')).toBeNull()
    await user.click(toggle)
    expect(onDecide).toHaveBeenCalledWith({
      purposeId: SMS.id,
      state: 'withdrawn',
      channel: 'store',
      evidence: 'Signed form #12',
    })
    expect(screen.getByTestId('evidence-count').textContent).toBe('18/500 characters')
  })

  it('shows one row per purpose, with waiting changes marked', () => {
    setup({ waiting: [SMS.id] })
    expect(screen.getAllByRole('switch')).toHaveLength(CATALOG.purposes.length)
    expect(within(screen.getByTestId(`purpose-${SMS.id}`)).getByText('Waiting to sync')).toBeTruthy()
  })

  it('lets an administrator read but not decide', async () => {
    const { onDecide, user, toggle } = setup({ readOnly: true })
    expect(screen.queryByTestId('channel-select')).toBeNull()
    expect(
      screen.getByText(
        'You can read this record but not record decisions: only agents decide for a customer.',
      ),
    ).toBeTruthy()
    await user.click(toggle)
    expect(onDecide).not.toHaveBeenCalled()
  })
})
