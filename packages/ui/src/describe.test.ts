import { DEFAULT_CATALOG, type Decision, type PurposeState } from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import { type ChangeContext, describeChange } from './describe'

const BY_PHONE: Decision = {
  id: 'd-agent',
  purposeId: 'marketing-sms',
  state: 'withdrawn',
  supersedes: [],
  at: '2026-02-01T10:00:00Z',
  actor: { id: 'csr1', role: 'csr' },
  channel: 'phone',
  noticeVersion: '1.0',
  evidence: 'Call #4471',
}
const ON_THE_WEB: Decision = {
  ...BY_PHONE,
  id: 'd-customer',
  state: 'granted',
  actor: { id: 'C-0001', role: 'customer' },
  channel: 'web',
}

const settled = (d: Decision): PurposeState => ({
  purposeId: d.purposeId,
  state: d.state,
  conflicted: false,
  heads: [d],
})

function context(overrides: Partial<ChangeContext>): ChangeContext {
  return {
    lang: 'en',
    viewer: 'customer',
    selfId: 'C-0001',
    names: { csr1: 'Dilani Wickramasinghe', 'C-0001': 'Nimal Perera' },
    catalog: DEFAULT_CATALOG,
    ...overrides,
  }
}

describe('describeChange', () => {
  it("names customer service and the agent for a customer, with the purpose's title and the new state", () => {
    expect(describeChange(BY_PHONE, settled(BY_PHONE), context({}))).toEqual({
      text: 'Customer service (Dilani Wickramasinghe, csr1) changed “Marketing messages by SMS” by phone: now Withdrawn.',
      urgent: false,
    })
  })

  it("names the customer for an agent, and says the agent's id where no name is known", () => {
    const csr = context({ viewer: 'csr', selfId: 'csr2' })
    expect(describeChange(ON_THE_WEB, settled(ON_THE_WEB), csr).text).toBe(
      'Customer Nimal Perera (C-0001) changed “Marketing messages by SMS” on the web: now Granted.',
    )
    expect(describeChange(BY_PHONE, settled(BY_PHONE), context({ names: {} })).text).toMatch(
      /^Customer service \(csr1\) changed/,
    )
  })

  it('speaks the page language: Sinhala and Tamil titles, channels and states', () => {
    const sms = DEFAULT_CATALOG.purposes.find((p) => p.id === 'marketing-sms')
    for (const lang of ['si', 'ta'] as const) {
      const { text } = describeChange(BY_PHONE, settled(BY_PHONE), context({ lang }))
      expect(text).toContain(`“${sms?.title[lang]}”`)
      expect(text).toContain('Dilani Wickramasinghe, csr1')
      expect(text).not.toMatch(/changed|Withdrawn|by phone/)
    }
  })

  it('tells of a conflict the decision left, urgently', () => {
    const conflicted: PurposeState = {
      purposeId: 'marketing-sms',
      state: 'withdrawn',
      conflicted: true,
      heads: [BY_PHONE, ON_THE_WEB],
    }
    const notice = describeChange(ON_THE_WEB, conflicted, context({ viewer: 'csr', selfId: 'csr1' }))
    expect(notice.urgent).toBe(true)
    expect(notice.text).toMatch(/now Granted\. .*stays Withdrawn until someone decides again\.$/)
  })
})
