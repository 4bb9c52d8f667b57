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
  it('offers each row its receipt to download or print, where the app says it has one, in the reader language', async () => {
    const asked: [string, string][] = []
    render(
      <HistoryTable
        decisions={history(2)}
        catalog={CATALOG}
        lang="ta"
        selfId="C-0001"
        onReceipt={(d, format) => asked.push([d.id, format])}
        hasReceipt={(d) => d.channel === 'phone'}
      />,
    )
    expect(screen.getByRole('columnheader', { name: 'ரசீது' })).toBeTruthy()
    expect(screen.getAllByTestId('receipt-json')).toHaveLength(1)
    await userEvent.click(screen.getByRole('button', { name: 'ரசீதைப் பதிவிறக்கு' }))
    await userEvent.click(screen.getByRole('button', { name: 'அச்சிடக்கூடிய ரசீது' }))
    expect(asked).toEqual([
      ['d-1', 'json'],
      ['d-1', 'html'],
    ])
  })

  it('has no receipt column unless the app can open receipts', () => {
    render(<HistoryTable decisions={history(1)} catalog={CATALOG} lang="en" selfId="C-0001" />)
    expect(screen.queryByRole('columnheader', { name: 'Receipt' })).toBeNull()
  })

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

  it('marks a decision carried over from the previous system as migrated, in each language', () => {
    const migrated = decision({
      id: 'd-migrated',
      at: '2024-03-01T10:00:00.000Z',
      actor: { id: 'legacy-migration', role: 'csr' },
      channel: 'import',
      evidence: 'legacy audit record 65a1b2c3d4e5f6a7b8c90004: consent-updated by customer C-0001',
    })
    const expected = {
      en: 'Migrated Carried over from our previous system',
      si: 'සංක්‍රමණය කළ අපගේ පෙර පද්ධතියෙන් ගෙන එන ලදී',
      ta: 'இடம்பெயர்க்கப்பட்டது எங்கள் முந்தைய அமைப்பிலிருந்து கொண்டுவரப்பட்டது',
    } as const
    for (const lang of ['en', 'si', 'ta'] as const) {
      const { unmount } = render(
        <HistoryTable decisions={[migrated, ...history(1)]} catalog={CATALOG} lang={lang} selfId="C-0001" />,
      )
      const [first, second] = screen.getAllByTestId('history-row') as HTMLElement[]
      expect(first!.getAttribute('data-provenance')).toBe('migrated')
      expect(first!.lastElementChild!.textContent).toBe(expected[lang])
      // The migration's account is not shown as if an agent had decided.
      expect(first!.textContent).not.toContain('legacy-migration')
      expect(second!.hasAttribute('data-provenance')).toBe(false)
      unmount()
    }
  })
})
