import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { StatusBadge, statusText } from './StatusBadge'

describe('StatusBadge', () => {
  it('says the status and the waiting changes, with both as attributes for machines', () => {
    render(<StatusBadge status="offline" pending={2} />)
    const status = screen.getByTestId('sync-status')
    expect(status.getAttribute('data-status')).toBe('offline')
    expect(status.textContent).toBe('Offline — 2 changes will sync when you reconnect')
    expect(screen.getByTestId('pending-count').getAttribute('data-pending')).toBe('2')
  })

  it('is a polite live region, so a change of status is announced', () => {
    render(<StatusBadge status="saved" pending={0} />)
    const status = screen.getByRole('status')
    expect(status.getAttribute('aria-live')).toBe('polite')
    expect(status.textContent).toBe('Saved')
  })

  it('counts one change and many, in each language', () => {
    expect(statusText('en', 'syncing', 1)).toBe('Saving… (1 change waiting)')
    expect(statusText('en', 'syncing', 0)).toBe('Syncing…')
    expect(statusText('si', 'saved', 0)).not.toBe(statusText('en', 'saved', 0))
  })
})
