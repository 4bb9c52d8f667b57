import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { WebhookDeliveries } from './WebhookDeliveries'
import type { DeliveryStatus, WebhookDelivery } from './webhooks'

const DEAD: WebhookDelivery = {
  eventId: 'evt_01',
  type: 'decision.accepted',
  status: 'dead',
  attempts: 3,
  createdAt: '2026-12-02T09:00:00Z',
  lastStatus: 500,
  lastError: 'the endpoint answered 500',
}

function setup(status: DeliveryStatus, deliveries: WebhookDelivery[], readOnly = false) {
  const onStatus = vi.fn()
  const onReplay = vi.fn(async () => null)
  const onReplaySince = vi.fn(async (_since: string) => null)
  render(
    <WebhookDeliveries
      url="http://127.0.0.1:9/hooks"
      status={status}
      onStatus={onStatus}
      deliveries={deliveries}
      loading={false}
      error={null}
      {...(readOnly ? {} : { actions: { onReplay, onReplaySince } })}
    />,
  )
  return { onStatus, onReplay, onReplaySince, user: userEvent.setup() }
}

describe('WebhookDeliveries', () => {
  it('shows a dead delivery with its attempts and last answer, and replays it', async () => {
    const { onReplay, user } = setup('dead', [DEAD])
    const row = within(screen.getByTestId('delivery-row-evt_01'))
    expect(row.getByTestId('delivery-attempts').textContent).toBe('3')
    // The error only restates the status: said once.
    expect(row.getByTestId('delivery-last').textContent).toBe('HTTP 500')
    await user.click(row.getByRole('button', { name: 'Replay evt_01' }))
    expect(onReplay).toHaveBeenCalledWith('evt_01')
  })

  it('shows an error that is not a status, and the customer where the server names one', () => {
    const refused = { ...DEAD, customerId: 'C-0001', lastError: 'connect ECONNREFUSED 127.0.0.1:9' }
    delete refused.lastStatus
    setup('dead', [refused])
    const row = within(screen.getByTestId('delivery-row-evt_01'))
    expect(row.getByTestId('delivery-last').textContent).toBe('connect ECONNREFUSED 127.0.0.1:9')
    expect(screen.getByRole('columnheader', { name: 'Customer' })).toBeTruthy()
    expect(row.getByText('C-0001')).toBeTruthy()
  })

  it('offers no replay of a pending delivery', () => {
    setup('pending', [{ ...DEAD, status: 'pending', nextAttemptAt: '2026-12-02T09:01:00Z' }])
    const row = within(screen.getByTestId('delivery-row-evt_01'))
    expect(row.queryByRole('button', { name: /Replay/ })).toBeNull()
  })

  it('gives a reader the list without replay', () => {
    setup('dead', [DEAD], true)
    expect(screen.queryByRole('button', { name: /Replay/ })).toBeNull()
    expect(screen.queryByLabelText(/Replay every/)).toBeNull()
  })

  it('moves between the tabs with the arrow keys', async () => {
    const { onStatus, user } = setup('pending', [])
    const pending = screen.getByRole('tab', { name: 'Pending' })
    expect(pending.getAttribute('aria-selected')).toBe('true')
    pending.focus()
    await user.keyboard('{ArrowLeft}')
    expect(onStatus).toHaveBeenCalledWith('dead')
    await user.click(screen.getByRole('tab', { name: 'Delivered' }))
    expect(onStatus).toHaveBeenCalledWith('delivered')
  })

  it('sends "replay since" as RFC 3339 with the offset, and asks for a time when there is none', async () => {
    const { onReplaySince, user } = setup('dead', [DEAD])
    await user.click(screen.getByRole('button', { name: 'Replay since…' }))
    expect(onReplaySince).not.toHaveBeenCalled()
    expect(screen.getByTestId('replay-since-error').textContent).toBe('Choose a date and time.')
    const input = screen.getByLabelText(/Replay every delivered or dead event since/)
    await user.type(input, '2026-12-02T09:30')
    await user.click(screen.getByRole('button', { name: 'Replay since…' }))
    expect(onReplaySince.mock.calls[0]?.[0]).toMatch(/^2026-12-02T09:30:00[+-]\d{2}:\d{2}$/)
  })
})
