import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { HistoryTable } from './HistoryTable'
import { CATALOG, decision } from './test-data'

/** `n` decisions, newest first, alternating customer and agent. */
function history(n: number) {
  return Array.from({ length: n }, (_, i) =>
    decision({
      id: `d-${i}`,
      state: i % 2 === 0 ? 'granted' : 'withdrawn',
      at: new Date(Date.UTC(2026, 1, 1, 10, 60 - i)).toISOString(),
      ...(i % 2 === 1 ? { actor: { id: 'csr1', role: 'csr' as const }, channel: 'phone' as const } : {}),
    }),
  )
}

describe('HistoryTable', () => {
  it('lists each decision with its purpose, choice and who, names where known', () => {
    render(
      <HistoryTable
        decisions={history(2)}
        catalog={CATALOG}
        lang="en"
        selfId="C-0001"
        names={{ csr1: 'Dilani' }}
      />,
    )
    const rows = screen.getAllByTestId('history-row')
    expect(rows.map((r) => r.getAttribute('data-actor'))).toEqual(['C-0001', 'csr1'])
    const agentRow = within(rows[1] as HTMLElement)
    expect(agentRow.getByText('Marketing messages by SMS')).toBeTruthy()
    expect(agentRow.getByText('Withdrawn')).toBeTruthy()
    expect(agentRow.getByText('Agent Dilani (csr1), by phone')).toBeTruthy()
    expect(screen.getByRole('table', { name: 'History of your choices' })).toBeTruthy()
  })

  it('says so when there is nothing yet, under the caption it is given (for screen readers only)', () => {
    render(
      <HistoryTable
        decisions={[]}
        catalog={CATALOG}
        lang="en"
        selfId="csr1"
        caption="History of this record"
        captionHidden
      />,
    )
    const table = screen.getByRole('table', { name: 'History of this record' })
    expect(table.textContent).toContain('No decisions yet.')
    expect(table.querySelector('caption')?.className).toBe('cs-visually-hidden')
  })

  it('shows a page at a time, older entries on request', async () => {
    render(<HistoryTable decisions={history(5)} catalog={CATALOG} lang="en" selfId="C-0001" pageSize={2} />)
    expect(screen.getAllByTestId('history-row')).toHaveLength(2)
    const user = userEvent.setup()
    await user.click(screen.getByRole('button', { name: 'Show older entries' }))
    await user.click(screen.getByRole('button', { name: 'Show older entries' }))
    expect(screen.getAllByTestId('history-row')).toHaveLength(5)
    expect(screen.queryByRole('button', { name: 'Show older entries' })).toBeNull()
  })
})
