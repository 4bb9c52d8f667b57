import type { Purpose } from '@consent-sync/consent-core'
import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { NoticeDraftForm, type PublishRefusal } from './NoticeDraftForm'
import type { NewPurposeBody, NewVersionBody } from './notice-draft'
import { CATALOG, SMS } from './test-data'

function setup(options: { purpose?: Purpose | undefined; answer?: PublishRefusal } = {}) {
  const purpose = 'purpose' in options ? options.purpose : SMS
  const answer = options.answer ?? null
  const onPublish = vi.fn(async (_body: NewPurposeBody | NewVersionBody) => answer)
  const onCancel = vi.fn()
  render(<NoticeDraftForm catalog={CATALOG} purpose={purpose} onPublish={onPublish} onCancel={onCancel} />)
  return { onPublish, onCancel, user: userEvent.setup() }
}

describe('NoticeDraftForm', () => {
  it('refuses to publish with a blank language, names it, and sends nothing', async () => {
    const { onPublish, user } = setup()
    await user.type(screen.getByTestId('draft-version'), '2.0')
    await user.clear(screen.getByTestId('draft-notice-ta'))
    expect(screen.getByTestId('draft-missing').textContent).toBe('Still needed before publishing: Tamil.')
    await user.click(screen.getByTestId('admin-publish'))
    const error = screen.getByRole('alert')
    expect(error.textContent).toBe('The Tamil notice is empty: every language is needed to publish.')
    expect(onPublish).not.toHaveBeenCalled()
    const field = screen.getByTestId('draft-notice-ta')
    expect(field.getAttribute('aria-invalid')).toBe('true')
    expect(document.activeElement).toBe(field)
    // Every control has a name: one title and one notice per language.
    expect(screen.getAllByRole('textbox', { name: /^Title/ })).toHaveLength(3)
    expect(screen.getAllByRole('textbox', { name: /^Notice/ })).toHaveLength(3)
  })

  it('publishes a material version with its policy, previewing the change as a customer will see it', async () => {
    const { onPublish, user } = setup()
    await user.type(screen.getByTestId('draft-version'), '2.0')
    await user.click(screen.getByTestId('draft-material'))
    await user.selectOptions(screen.getByTestId('draft-reconsent'), 'required')
    await user.type(screen.getByTestId('draft-notice-en'), ' Also by RCS.')
    const preview = screen.getByTestId('admin-preview')
    expect(within(preview).getByTestId(`reconsent-${SMS.id}`).getAttribute('data-reconsent')).toBe('required')
    expect([...preview.querySelectorAll('ins')].map((e) => e.textContent).join('')).toContain('RCS.')
    await user.selectOptions(within(preview).getByTestId('language-select'), 'ta')
    expect(within(preview).getByTestId(`notice-${SMS.id}`).textContent).toBe(SMS.notice.ta)
    await user.click(screen.getByTestId('admin-publish'))
    expect(onPublish).toHaveBeenCalledWith({
      version: '2.0',
      title: SMS.title,
      notice: { ...SMS.notice, en: `${SMS.notice.en} Also by RCS.` },
      material: true,
      reconsent: 'required',
    })
  })

  it("shows the server's refusal as it says it, on the field it names", async () => {
    const { user } = setup({
      purpose: undefined,
      answer: { message: 'the Tamil title is empty', field: 'title.ta' },
    })
    await user.type(screen.getByTestId('draft-id'), 'marketing-rcs')
    await user.type(screen.getByTestId('draft-version'), '1.0')
    for (const l of ['en', 'si', 'ta'] as const) {
      await user.type(screen.getByTestId(`draft-title-${l}`), `RCS ${l}`)
      await user.type(screen.getByTestId(`draft-notice-${l}`), `Offers by RCS (${l}).`)
    }
    await user.click(screen.getByTestId('admin-publish'))
    expect((await screen.findByRole('alert')).textContent).toBe('the Tamil title is empty')
    expect(screen.getByTestId('draft-title-ta').getAttribute('aria-invalid')).toBe('true')
  })
})
