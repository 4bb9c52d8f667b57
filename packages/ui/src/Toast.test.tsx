import { act, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { type ShowToast, ToastProvider, ToastRegion, useToast } from './Toast'

/** Hands the test the `toast` function a component gets. */
function Grab({ onToast }: { onToast(show: ShowToast): void }) {
  onToast(useToast())
  return null
}

/** A page with the toast region, and the `toast` function its components get. */
function setup() {
  let show: ShowToast = () => {}
  render(
    <ToastProvider>
      <Grab onToast={(s) => (show = s)} />
      <ToastRegion />
    </ToastProvider>,
  )
  return { toast: (...args: Parameters<ShowToast>) => act(() => show(...args)) }
}

describe('toasts', () => {
  it('shows news as a status, an error or an urgent change as an alert, in a live region always there', () => {
    const { toast } = setup()
    const region = screen.getByTestId('toasts')
    expect(region.getAttribute('aria-live')).toBe('polite')
    toast('Saved', 'success')
    expect(screen.getByRole('status').textContent).toContain('Saved')
    toast('Could not save', 'error')
    expect(screen.getByRole('alert').textContent).toContain('Could not save')
  })

  it('marks a change toast urgent as an alert, in the language it is in', () => {
    const { toast } = setup()
    toast('වෙනස් විය', 'change', { lang: 'si', urgent: true })
    const alert = screen.getByRole('alert')
    expect(alert.getAttribute('data-kind')).toBe('change')
    expect(alert.getAttribute('lang')).toBe('si')
  })

  it('keeps two at most, shows the same message once, and dismisses on request', async () => {
    const { toast } = setup()
    toast('one')
    toast('two')
    toast('two')
    toast('three')
    expect(screen.getAllByTestId('toast').map((t) => t.textContent?.replace('×', ''))).toEqual([
      'two',
      'three',
    ])
    await userEvent.setup().click(screen.getAllByRole('button', { name: 'Dismiss' })[0] as HTMLElement)
    expect(screen.getAllByTestId('toast')).toHaveLength(1)
  })

  it('does nothing outside a provider', () => {
    let show: ShowToast | undefined
    render(<Grab onToast={(s) => (show = s)} />)
    expect(() => show?.('lost')).not.toThrow()
  })
})
