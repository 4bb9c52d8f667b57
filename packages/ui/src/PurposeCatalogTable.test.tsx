import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { PurposeCatalogTable } from './PurposeCatalogTable'
import { CATALOG, SMS, smsRepublished } from './test-data'

function setup() {
  const catalog = {
    version: 'v2',
    purposes: CATALOG.purposes.map((p) =>
      p.id === SMS.id
        ? smsRepublished({ reconsent: 'required', lifetimeDays: 365 })
        : p.id === 'partner-sharing'
          ? { ...p, status: 'retired' as const }
          : p,
    ),
  }
  const onNewVersion = vi.fn()
  const onRetire = vi.fn(async () => {})
  render(<PurposeCatalogTable catalog={catalog} onNewVersion={onNewVersion} onRetire={onRetire} />)
  return { onNewVersion, onRetire, user: userEvent.setup() }
}

describe('PurposeCatalogTable', () => {
  it('lists each purpose with status, version, material flag and publish time', () => {
    setup()
    const sms = screen.getByTestId(`admin-purpose-${SMS.id}`)
    expect(sms.getAttribute('data-version')).toBe('2.0')
    expect(sms.textContent).toContain('yes (required)')
    expect(sms.textContent).toContain('(2 published)')
    expect(sms.textContent).toContain('2026')
    const retired = screen.getByTestId('admin-purpose-partner-sharing')
    expect(retired.getAttribute('data-status')).toBe('retired')
    expect(screen.queryByTestId('admin-retire-partner-sharing')).toBeNull()
  })

  it('opens a new version, and retires only after a confirmation', async () => {
    const { onNewVersion, onRetire, user } = setup()
    await user.click(screen.getByRole('button', { name: `New version of ${SMS.title.en}` }))
    expect(onNewVersion).toHaveBeenCalledWith(SMS.id)
    await user.click(screen.getByTestId(`admin-retire-${SMS.id}`))
    expect(onRetire).not.toHaveBeenCalled()
    expect(screen.getByRole('group', { name: `Confirm retiring ${SMS.title.en}` })).toBeTruthy()
    await user.click(screen.getByTestId(`admin-retire-cancel-${SMS.id}`))
    expect(onRetire).not.toHaveBeenCalled()
    await user.click(screen.getByTestId(`admin-retire-${SMS.id}`))
    await user.click(screen.getByTestId(`admin-retire-confirm-${SMS.id}`))
    expect(onRetire).toHaveBeenCalledWith(SMS.id)
  })
})
