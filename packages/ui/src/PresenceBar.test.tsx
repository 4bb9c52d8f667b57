import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { PresenceBar } from './PresenceBar'
import type { PresenceEntry } from './sync-view'

const CUSTOMER: PresenceEntry = {
  user: { id: 'C-0001', role: 'customer', name: 'Nimal Perera' },
  editing: false,
  self: true,
}
const AGENT: PresenceEntry = {
  user: { id: 'csr1', role: 'csr', name: 'Dilani' },
  editing: false,
  self: false,
}

describe('PresenceBar', () => {
  it('tells a customer which agent has the record open, and when they are changing it', () => {
    const { rerender } = render(<PresenceBar presence={[CUSTOMER, AGENT]} viewer="customer" />)
    const viewing = screen.getByTestId('agent-viewing')
    expect(viewing.textContent).toBe('An agent, Dilani, has your record open')
    expect(viewing.getAttribute('data-editing')).toBe('false')
    rerender(<PresenceBar presence={[CUSTOMER, { ...AGENT, editing: true }]} viewer="customer" />)
    expect(screen.getByTestId('presence-csr1').textContent).toBe('An agent, Dilani, is changing your record')
  })

  it('shows a customer nothing while no agent is there', () => {
    render(<PresenceBar presence={[CUSTOMER]} viewer="customer" />)
    expect(screen.getByTestId('presence').textContent).toBe('')
  })

  it('lists for an agent each other person once, however many tabs, and never the agent', () => {
    const otherTab = { ...AGENT, self: false }
    const agentSelf = { ...AGENT, self: true }
    const customerTabs = [
      { ...CUSTOMER, self: false },
      { ...CUSTOMER, self: false, editing: true },
    ]
    render(<PresenceBar presence={[agentSelf, otherTab, ...customerTabs]} viewer="csr" />)
    expect(screen.queryByTestId('presence-csr1')).toBeNull()
    const customer = screen.getByTestId('presence-C-0001')
    expect(customer.textContent).toBe('the customer (Nimal Perera) · editing')
    expect(customer.getAttribute('data-editing')).toBe('true')
  })

  it('says so when an agent is alone on the record', () => {
    render(<PresenceBar presence={[{ ...AGENT, self: true }]} viewer="csr" />)
    expect(screen.getByTestId('presence').textContent).toBe('Nobody else has this record open')
  })
})
