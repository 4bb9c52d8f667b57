import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { AdminAuditTable } from './AdminAuditTable'

describe('AdminAuditTable', () => {
  it('shows each entry: action, target, who, the details in words, the hash', () => {
    render(
      <AdminAuditTable
        entries={[
          {
            seq: 2,
            action: 'purpose.version',
            target: 'purpose:marketing-sms',
            actorId: 'admin1',
            actorRole: 'admin',
            at: '2026-12-01T09:00:00Z',
            details: { version: '2.0', material: true, textHash: 'ab'.repeat(32) },
            prevHash: 'cd'.repeat(32),
            hash: 'ef'.repeat(32),
          },
        ]}
      />,
    )
    const row = screen.getByTestId('admin-audit-row')
    expect(row.getAttribute('data-action')).toBe('purpose.version')
    expect(row.textContent).toContain('version 2.0 · material yes')
    expect(row.textContent).not.toContain('abab')
    expect(row.textContent).toContain('admin1')
    expect(row.textContent).toContain(`${'ef'.repeat(6)}…`)
  })

  it('says when there is nothing', () => {
    render(<AdminAuditTable entries={[]} />)
    expect(screen.getByText('No entries.')).toBeTruthy()
  })
})
