import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { type RotateAnswer, WebhookTable } from './WebhookTable'
import type { WebhookEndpoint } from './webhooks'

const ENDPOINTS: WebhookEndpoint[] = [
  {
    id: 'wh_1',
    url: 'https://crm.example.lk/hooks',
    events: ['decision.accepted'],
    purposeIds: ['marketing-sms'],
    enabled: true,
    createdAt: '2026-12-01T09:00:00Z',
    updatedAt: '2026-12-01T09:00:00Z',
  },
  {
    id: 'wh_2',
    url: 'https://old.example.lk/hooks',
    events: ['consent.changed'],
    enabled: false,
    disabledReason: 'gone',
    createdAt: '2026-11-01T09:00:00Z',
    updatedAt: '2026-11-20T09:00:00Z',
  },
]

function setup(readOnly = false) {
  const rotated: RotateAnswer = {
    ok: true,
    secret: 'whsec_bmV3',
    endpoint: { ...(ENDPOINTS[0] as WebhookEndpoint), previousSecretUntil: '2026-12-03T09:00:00Z' },
  }
  const actions = {
    onSetEnabled: vi.fn(async () => null),
    onRotate: vi.fn(async () => rotated),
    onDelete: vi.fn(async () => null),
  }
  const onOpenDeliveries = vi.fn()
  render(
    <WebhookTable
      endpoints={ENDPOINTS}
      purposeTitle={(id) => (id === 'marketing-sms' ? 'Marketing by SMS' : id)}
      openId={null}
      onOpenDeliveries={onOpenDeliveries}
      {...(readOnly ? {} : { actions })}
    />,
  )
  return { actions, onOpenDeliveries, user: userEvent.setup() }
}

describe('WebhookTable', () => {
  it('lists each endpoint with its events, purposes, and why a disabled one is', () => {
    setup()
    const one = screen.getByTestId('webhook-row-wh_1')
    expect(one.textContent).toContain('Marketing by SMS')
    expect(one.textContent).toContain('Enabled')
    const two = screen.getByTestId('webhook-row-wh_2')
    expect(two.textContent).toContain('All purposes')
    expect(two.textContent).toContain('Disabled: the endpoint answered 410 Gone')
  })

  it('rotates after asking, then shows the new secret once with the overlap', async () => {
    const { actions, user } = setup()
    const row = within(screen.getByTestId('webhook-row-wh_1'))
    await user.click(row.getByRole('button', { name: /Rotate secret/ }))
    expect(screen.getByTestId('webhook-rotate-dialog').textContent).toMatch(/keeps signing beside it/)
    await user.click(screen.getByTestId('webhook-rotate-dialog-confirm'))
    expect(actions.onRotate).toHaveBeenCalledWith('wh_1')
    const dialog = await screen.findByTestId('webhook-secret-dialog')
    expect(within(dialog).getByTestId('webhook-secret').textContent).toBe('whsec_bmV3')
    expect(dialog.textContent).toContain('You will not see it again.')
    expect(within(dialog).getByTestId('webhook-overlap').textContent).toMatch(/former secret keeps signing/)
  })

  it('deletes only after the confirmation; Cancel changes nothing', async () => {
    const { actions, user } = setup()
    const row = within(screen.getByTestId('webhook-row-wh_2'))
    await user.click(row.getByRole('button', { name: /Delete/ }))
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(actions.onDelete).not.toHaveBeenCalled()
    await user.click(row.getByRole('button', { name: /Delete/ }))
    await user.click(screen.getByTestId('webhook-delete-dialog-confirm'))
    expect(actions.onDelete).toHaveBeenCalledWith('wh_2')
    await waitFor(() => expect(screen.queryByTestId('webhook-delete-dialog')).toBeNull())
  })

  it('enables and disables with one button', async () => {
    const { actions, user } = setup()
    await user.click(within(screen.getByTestId('webhook-row-wh_2')).getByRole('button', { name: /^Enable/ }))
    expect(actions.onSetEnabled).toHaveBeenCalledWith('wh_2', true)
  })

  it('gives a reader the deliveries only', async () => {
    const { onOpenDeliveries, user } = setup(true)
    expect(screen.queryByRole('button', { name: /Rotate|Delete|Disable|Enable/ })).toBeNull()
    await user.click(screen.getByRole('button', { name: /Deliveries to https:\/\/crm/ }))
    expect(onOpenDeliveries).toHaveBeenCalledWith('wh_1')
  })
})
