import type { AuditEntry } from '@consent-sync/consent-core'
import { render, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { AuditTable } from './AuditTable'
import { StateChange } from './StateChange'
import { CATALOG, SMS } from './test-data'

function entry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    customerId: 'C-0001',
    seq: 1,
    purposeId: SMS.id,
    decisionId: 'd-1',
    decision: 'granted',
    previousState: 'withdrawn',
    newState: 'granted',
    conflicted: false,
    actorId: 'C-0001',
    actorRole: 'customer',
    channel: 'web',
    noticeVersion: SMS.version,
    deviceAt: '2026-02-01T10:00:00Z',
    receivedAt: '2026-02-01T10:00:01Z',
    connectionId: 'conn-1',
    updateHash: 'u'.repeat(64),
    prevHash: '0'.repeat(64),
    hash: 'abcdef0123456789'.repeat(4),
    ...overrides,
  } as AuditEntry
}

describe('AuditTable', () => {
  it('shows each entry with what was decided apart from the state it left, and the hash prefix', () => {
    const regrant = entry({
      seq: 2,
      decision: 'granted',
      previousState: 'withdrawn',
      newState: 'withdrawn',
      conflicted: true,
      actorId: 'csr1',
      actorRole: 'csr',
      channel: 'phone',
      evidence: 'Call 14:02',
    })
    render(<AuditTable entries={[regrant, entry()]} catalog={CATALOG} names={{ csr1: 'Dilani' }} />)
    const rows = screen.getAllByTestId('audit-row')
    expect(rows.map((r) => r.getAttribute('data-seq'))).toEqual(['2', '1'])
    const first = rows[0] as HTMLElement
    expect(first.getAttribute('data-decision')).toBe('granted')
    expect(first.getAttribute('data-state')).toBe('withdrawn')
    expect(first.getAttribute('data-conflicted')).toBe('true')
    const row = within(first)
    expect(row.getByTestId('audit-decision').textContent).toBe('granted')
    expect(row.getByTestId('audit-change').textContent).toBe('withdrawn →  to withdrawn')
    expect(row.getByText('Dilani')).toBeTruthy()
    expect(row.getByText('(csr1, csr)')).toBeTruthy()
    expect(row.getByText('Call 14:02')).toBeTruthy()
    expect(row.getByText('abcdef012345…').getAttribute('title')).toBe(
      `hash ${regrant.hash}\nprevious ${regrant.prevHash}`,
    )
    expect(within(rows[1] as HTMLElement).getByText('Marketing messages by SMS')).toBeTruthy()
  })

  it('says so when there are no entries, in a scroll box a keyboard reaches', () => {
    render(<AuditTable entries={[]} catalog={CATALOG} />)
    expect(screen.getByTestId('audit-table').textContent).toContain('No audit entries.')
    expect(screen.getByRole('region', { name: 'Audit entries' }).getAttribute('tabindex')).toBe('0')
  })
})

describe('StateChange', () => {
  it('names both states as chips, and says "to" to a screen reader instead of the arrow', () => {
    const { container } = render(<StateChange from="granted" to="withdrawn" />)
    const chips = [...container.querySelectorAll('.cs-chip')].map((c) => c.textContent)
    expect(chips).toEqual(['granted', 'withdrawn'])
    expect(container.querySelector('[aria-hidden="true"]')?.textContent).toBe(' → ')
    expect(container.querySelector('.cs-visually-hidden')?.textContent).toBe(' to ')
  })
})
