import { fireEvent, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { ConsentList, type ConsentListProps } from './ConsentList'
import { CATALOG, decision, SMS, settled } from './test-data'

const PURPOSES = [
  settled(decision()),
  { purposeId: 'retired-purpose', state: 'granted' as const, conflicted: false, heads: [] },
]

function setup(overrides: Partial<ConsentListProps> = {}) {
  const onToggle = vi.fn()
  render(
    <ConsentList
      purposes={PURPOSES}
      catalog={CATALOG}
      lang="en"
      viewer="customer"
      selfId="C-0001"
      onToggle={onToggle}
      {...overrides}
    />,
  )
  return { onToggle }
}

describe('ConsentList', () => {
  it('shows the purposes the catalog knows, and calls back with the purpose and the new state', async () => {
    const { onToggle } = setup()
    expect(screen.getAllByRole('listitem')).toHaveLength(1)
    await userEvent.setup().click(screen.getByTestId(`toggle-${SMS.id}`))
    expect(onToggle).toHaveBeenCalledWith(SMS.id, 'withdrawn')
  })

  it('tells when the pointer or focus is on the list, and when both have left', () => {
    const onEditingChange = vi.fn()
    setup({ onEditingChange })
    const list = screen.getByRole('list')
    expect(onEditingChange).toHaveBeenLastCalledWith(false)
    fireEvent.pointerEnter(list)
    expect(onEditingChange).toHaveBeenLastCalledWith(true)
    fireEvent.focus(screen.getByRole('switch'))
    fireEvent.pointerLeave(list)
    expect(onEditingChange).toHaveBeenLastCalledWith(true)
    fireEvent.blur(screen.getByRole('switch'), { relatedTarget: null })
    expect(onEditingChange).toHaveBeenLastCalledWith(false)
  })
})
