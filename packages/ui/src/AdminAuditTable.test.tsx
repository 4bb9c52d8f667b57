import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { AdminAuditTable, describeAdminAction } from './AdminAuditTable'

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

  it('says what an account change did, in words', () => {
    const entry = (seq: number, action: string, target: string, details: Record<string, unknown> = {}) => ({
      seq,
      action,
      target,
      actorId: 'admin1',
      actorRole: 'admin',
      at: '2026-12-01T09:00:00Z',
      details,
      prevHash: 'cd'.repeat(32),
      hash: 'ef'.repeat(32),
    })
    render(
      <AdminAuditTable
        entries={[
          entry(4, 'user.reset-password', 'user:csr2'),
          entry(3, 'user.enable', 'user:csr1', { role: 'csr' }),
          entry(2, 'user.disable', 'user:csr1', { role: 'csr' }),
          entry(1, 'user.create', 'user:agent.perera', { role: 'csr', name: 'Agent Perera' }),
        ]}
      />,
    )
    const actions = screen.getAllByTestId('admin-audit-action').map((cell) => cell.textContent)
    expect(actions).toEqual([
      'set a new password for csr2user.reset-password',
      'enabled account csr1user.enable',
      'disabled account csr1user.disable',
      'created account agent.perera (csr)user.create',
    ])
  })

  it('says what a catalog change did, in words', () => {
    expect(
      describeAdminAction({
        action: 'version.publish',
        target: 'purpose:marketing-sms',
        details: { version: '2.0' },
      }),
    ).toBe('published marketing-sms version 2.0')
    expect(
      describeAdminAction({ action: 'purpose.retire', target: 'purpose:marketing-sms', details: {} }),
    ).toBe('retired purpose marketing-sms')
    expect(
      describeAdminAction({
        action: 'customer.export',
        target: 'customer:C-0001',
        details: { format: 'json' },
      }),
    ).toBe('downloaded everything held about customer C-0001')
    expect(describeAdminAction({ action: 'webhook.create', target: 'webhook:1', details: {} })).toBe(
      'webhook.create',
    )
  })

  it('says when there is nothing', () => {
    render(<AdminAuditTable entries={[]} />)
    expect(screen.getByText('No entries.')).toBeTruthy()
  })
})
