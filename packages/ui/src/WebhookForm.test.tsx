import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { WebhookForm } from './WebhookForm'
import type { NewWebhookBody, WebhookRefusal } from './webhooks'

const PURPOSES = [
  { id: 'marketing-sms', title: 'Marketing by SMS' },
  { id: 'analytics', title: 'Usage analytics' },
]

function setup(answer: WebhookRefusal | null = null) {
  const onCreate = vi.fn(async (_: NewWebhookBody) => answer)
  render(<WebhookForm purposes={PURPOSES} onCreate={onCreate} />)
  return { onCreate, user: userEvent.setup() }
}

describe('WebhookForm', () => {
  it('sends the URL, the events ticked and the purposes chosen', async () => {
    const { onCreate, user } = setup()
    await user.type(screen.getByLabelText(/Endpoint URL/), 'https://crm.example.lk/hooks')
    await user.click(screen.getByLabelText('consent.changed'))
    await user.selectOptions(screen.getByLabelText(/Only these purposes/), ['analytics'])
    await user.click(screen.getByRole('button', { name: 'Register endpoint' }))
    expect(onCreate).toHaveBeenCalledWith({
      url: 'https://crm.example.lk/hooks',
      events: ['decision.accepted', 'consent.changed'],
      purposeIds: ['analytics'],
    })
    // Registered: the form is empty again for the next one.
    expect((screen.getByLabelText(/Endpoint URL/) as HTMLInputElement).value).toBe('')
  })

  it('sends no purpose filter when none is chosen', async () => {
    const { onCreate, user } = setup()
    await user.type(screen.getByLabelText(/Endpoint URL/), 'https://crm.example.lk/hooks')
    await user.click(screen.getByRole('button', { name: 'Register endpoint' }))
    expect(onCreate.mock.calls[0]?.[0]).toEqual({
      url: 'https://crm.example.lk/hooks',
      events: ['decision.accepted'],
    })
  })

  it('refuses no events at the events, without asking the server', async () => {
    const { onCreate, user } = setup()
    await user.type(screen.getByLabelText(/Endpoint URL/), 'https://crm.example.lk/hooks')
    await user.click(screen.getByLabelText('decision.accepted'))
    await user.click(screen.getByRole('button', { name: 'Register endpoint' }))
    expect(onCreate).not.toHaveBeenCalled()
    expect(screen.getByTestId('webhook-events-error').textContent).toBe('Choose at least one event.')
  })

  it("shows the server's refusal at the URL it names, keeps what was typed, focuses the field", async () => {
    const { user } = setup({ message: 'The URL may not point at a private address.', field: 'url' })
    const url = screen.getByLabelText(/Endpoint URL/) as HTMLInputElement
    await user.type(url, 'http://10.0.0.5/hooks')
    await user.click(screen.getByRole('button', { name: 'Register endpoint' }))
    expect((await screen.findByTestId('webhook-url-error')).textContent).toMatch(/private address/)
    expect(url.getAttribute('aria-invalid')).toBe('true')
    expect(url.getAttribute('aria-describedby')).toContain('url-error')
    expect(url.value).toBe('http://10.0.0.5/hooks')
    expect(document.activeElement).toBe(url)
  })

  it('shows a refusal naming no field above the button, as an alert', async () => {
    const { user } = setup({ message: 'Only administrators manage webhooks.' })
    await user.type(screen.getByLabelText(/Endpoint URL/), 'https://crm.example.lk/hooks')
    await user.click(screen.getByRole('button', { name: 'Register endpoint' }))
    expect((await screen.findByRole('alert')).textContent).toBe('Only administrators manage webhooks.')
  })
})
