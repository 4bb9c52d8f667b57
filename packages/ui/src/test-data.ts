import { DEFAULT_CATALOG, type Decision, type Purpose, type PurposeState } from '@consent-sync/consent-core'

/** Shared subjects of the components' tests: the bundled catalog and decisions on one purpose. */
export const CATALOG = DEFAULT_CATALOG
export const SMS: Purpose = (() => {
  const found = CATALOG.purposes.find((p) => p.id === 'marketing-sms')
  if (!found) throw new Error('the bundled catalog has no marketing-sms')
  return found
})()

export function decision(overrides: Partial<Decision> = {}): Decision {
  return {
    id: 'd-1',
    purposeId: SMS.id,
    state: 'granted',
    supersedes: [],
    at: '2026-02-01T10:00:00Z',
    actor: { id: 'C-0001', role: 'customer' },
    channel: 'web',
    noticeVersion: SMS.version,
    ...overrides,
  }
}

/** The fold of one settled decision. */
export function settled(d: Decision): PurposeState {
  return { purposeId: d.purposeId, state: d.state, conflicted: false, decision: d, heads: [d] }
}
