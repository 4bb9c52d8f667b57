import { type DecisionState, type PurposeState, readOut } from '@consent-sync/consent-core'
import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { ConsentList } from './ConsentList'
import { ConsentRow, type ConsentRowProps } from './ConsentRow'
import type { AgreedNotice } from './NoticeChange'
import { CATALOG, decision, SMS, settled, smsRepublished } from './test-data'

const NOW = Date.parse('2026-12-02T10:00:00Z')
/** The text a sighted reader sees: without the words only screen readers get. */
function visibleText(el: HTMLElement): string {
  const copy = el.cloneNode(true) as HTMLElement
  for (const hidden of copy.querySelectorAll('.cs-visually-hidden')) hidden.remove()
  return copy.textContent ?? ''
}

const AGREED: AgreedNotice = {
  version: SMS.version,
  status: 'loaded',
  texts: { title: SMS.title, notice: SMS.notice },
}

function setup(overrides: Partial<ConsentRowProps> & { state?: PurposeState } = {}) {
  const onToggle = vi.fn<(next: DecisionState) => void>()
  const purpose = overrides.purpose ?? smsRepublished()
  const state = overrides.state ?? settled(decision())
  const props: ConsentRowProps = {
    purpose,
    state,
    lang: 'en',
    viewer: 'customer',
    selfId: 'C-0001',
    onToggle,
    readOut: readOut(state, purpose, { now: NOW }),
    agreed: AGREED,
    ...overrides,
  }
  render(<ConsentRow {...props} />)
  const row = screen.getByTestId(`purpose-${SMS.id}`)
  return { onToggle, row, user: userEvent.setup() }
}

describe('a changed notice on the customer page', () => {
  it('shows the text agreed to beside the new one, the changed words marked, and renews in one step', async () => {
    const { row, onToggle, user } = setup()
    expect(row.getAttribute('data-reconsent')).toBe('prompt')
    // `prompt`: the earlier grant still counts until the customer says otherwise.
    expect(screen.getByRole('switch').getAttribute('aria-checked')).toBe('true')
    const diff = screen.getByTestId(`notice-diff-${SMS.id}`)
    expect(within(diff).getByText('What you agreed to (version 1.0)')).toBeTruthy()
    expect(within(diff).getByText('The new notice (version 2.0)')).toBeTruthy()
    expect(visibleText(screen.getByTestId(`agreed-notice-${SMS.id}`))).toBe(SMS.notice.en)
    expect(visibleText(screen.getByTestId(`new-notice-${SMS.id}`))).toBe(smsRepublished().notice.en)
    const added = [...diff.querySelectorAll('ins')].map((el) => el.textContent).join('|')
    expect(added).toContain('partner offers')
    expect(added).toMatch(/^added: /)
    await user.click(screen.getByTestId(`renew-${SMS.id}`))
    expect(onToggle).toHaveBeenCalledWith('granted')
    // Withdrawing stays one click of the switch.
    await user.click(screen.getByRole('switch'))
    expect(onToggle).toHaveBeenLastCalledWith('withdrawn')
  })

  it('with `required`, shows the grant as withdrawn: the switch grants under the new version', async () => {
    const purpose = smsRepublished({ reconsent: 'required' })
    const { row, onToggle, user } = setup({ purpose })
    expect(row.getAttribute('data-reconsent')).toBe('required')
    expect(row.getAttribute('data-state')).toBe('granted')
    expect(row.getAttribute('data-effective-state')).toBe('withdrawn')
    expect(screen.getByRole('switch').getAttribute('aria-checked')).toBe('false')
    expect(screen.getByTestId(`reconsent-${SMS.id}`).textContent).toContain('no longer counts')
    await user.click(screen.getByRole('switch'))
    expect(onToggle).toHaveBeenCalledWith('granted')
  })

  it('says so while the agreed text loads, or when it cannot be had offline', () => {
    setup({ agreed: { version: SMS.version, status: 'unavailable' } })
    expect(screen.getByTestId(`reconsent-${SMS.id}`).textContent).toContain('cannot be shown right now')
    expect(screen.getByTestId(`new-notice-${SMS.id}`).textContent).toBe(smsRepublished().notice.en)
  })

  it('shows nothing for a change that is not material, nor to someone who agreed to the new version', () => {
    setup({ purpose: smsRepublished({ material: false }) })
    expect(screen.queryByTestId(`reconsent-${SMS.id}`)).toBeNull()
    expect(screen.getByTestId(`purpose-${SMS.id}`).getAttribute('data-reconsent')).toBe('none')
  })

  it('in Sinhala and Tamil, as the page is', () => {
    setup({ lang: 'si' })
    const panel = screen.getByTestId(`reconsent-${SMS.id}`)
    expect(panel.getAttribute('lang')).toBe('si')
    expect(panel.textContent).toContain('මෙම දැනුම්දීම වෙනස් වී ඇත')
    expect(visibleText(screen.getByTestId(`agreed-notice-${SMS.id}`))).toBe(SMS.notice.si)
    expect([...panel.querySelectorAll('ins')].map((e) => e.textContent).join('')).toContain('හවුල්කරුවන්ගේ')
  })
})

describe('an expired grant and a retired purpose', () => {
  it('shows an expired grant as expired and withdrawn, with the same one-step grant', async () => {
    const purpose = {
      ...SMS,
      versions: [
        { version: SMS.version, textHash: 'h1', material: false, lifetimeDays: 30, publishedAt: '' },
      ],
    }
    const state = settled(decision({ at: '2026-10-01T10:00:00Z' }))
    const { row, onToggle, user } = setup({ purpose, state })
    expect(row.getAttribute('data-expired')).toBe('true')
    expect(screen.getByRole('switch').getAttribute('aria-checked')).toBe('false')
    expect(screen.getByTestId(`expired-${SMS.id}`).textContent).toMatch(/expired on 31 Oct 2026/)
    await user.click(screen.getByRole('switch'))
    expect(onToggle).toHaveBeenCalledWith('granted')
  })

  it('offers no grant on a retired purpose, and still lets a grant be withdrawn', async () => {
    const purpose = { ...SMS, status: 'retired' as const }
    const withdrawn = settled(decision({ state: 'withdrawn' }))
    setup({ purpose, state: withdrawn })
    expect(screen.queryByRole('switch')).toBeNull()
    expect(screen.getByTestId(`retired-${SMS.id}`).textContent).toBe('No longer offered.')
    expect(screen.getByTestId(`purpose-${SMS.id}`).getAttribute('data-status')).toBe('retired')
  })

  it('withdraws a grant of a retired purpose in one click', async () => {
    const purpose = { ...SMS, status: 'retired' as const }
    const { onToggle, user } = setup({ purpose, state: settled(decision()) })
    expect(screen.getByTestId(`retired-${SMS.id}`).textContent).toContain('You can still withdraw')
    await user.click(screen.getByRole('switch'))
    expect(onToggle).toHaveBeenCalledWith('withdrawn')
  })
})

describe('the agent view', () => {
  it('flags a grant needing re-consent, expired, or retired, without the side-by-side', () => {
    const catalog = {
      version: 'v2',
      purposes: CATALOG.purposes.map((p) =>
        p.id === SMS.id
          ? smsRepublished({ reconsent: 'required' })
          : p.id === 'marketing-email'
            ? { ...p, status: 'retired' as const }
            : p,
      ),
    }
    const states = catalog.purposes.map((p) =>
      p.id === SMS.id
        ? settled(decision())
        : { purposeId: p.id, state: p.default, conflicted: false, heads: [] },
    )
    render(
      <ConsentList
        purposes={states}
        catalog={catalog}
        lang="en"
        viewer="csr"
        selfId="csr1"
        now={NOW}
        onToggle={() => {}}
      />,
    )
    const flag = screen.getByTestId(`reconsent-${SMS.id}`)
    expect(flag.textContent).toContain('Needs re-consent: the customer agreed to version 1.0; version 2.0')
    expect(flag.textContent).toContain('The earlier grant no longer counts.')
    expect(screen.queryByTestId(`notice-diff-${SMS.id}`)).toBeNull()
    expect(screen.getByTestId(`renew-${SMS.id}`).textContent).toBe('Record agreement to the new notice')
    expect(screen.getByTestId('retired-marketing-email').textContent).toMatch(/^Retired/)
    expect(screen.queryByTestId('toggle-marketing-email')).toBeNull()
  })
})
