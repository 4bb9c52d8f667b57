import { describe, expect, it } from 'vitest'
import { legacyDecisionId } from './decision-id'
import { planCustomer } from './history'
import type { LegacyChange, LegacyConsent } from './legacy-records'
import type { StagedLine } from './staging'

const by = { userId: 'C-0001', userType: 'customer', userName: 'Nimal Perera' }
const agent = { userId: 'u-7', userType: 'csr', userName: 'Ruwan Silva' }

function change(id: string, purpose: string, after: LegacyChange['after'], timestamp: string): StagedLine {
  const record: LegacyChange = {
    kind: 'change',
    _id: id,
    customerId: 'C-0001',
    purpose,
    action: 'consent-updated',
    before: null,
    after,
    changedBy: agent,
    timestamp,
  }
  return { collection: 'audit', line: 1, ok: true, record }
}
function consent(
  id: string,
  purpose: string,
  status: LegacyConsent['status'],
  updatedAt: string,
): StagedLine {
  const record: LegacyConsent = {
    kind: 'consent',
    _id: id,
    customerId: 'C-0001',
    purpose,
    status,
    createdAt: '2023-01-01T00:00:00.000Z',
    updatedAt,
    updatedBy: by,
  }
  return { collection: 'consents', line: 1, ok: true, record }
}
const resolve = (name: string) => ({ sms: 'marketing-sms', email: 'marketing-email' })[name]

describe('planCustomer', () => {
  it('orders each purpose by time, ties by legacy id, whatever the file order', () => {
    const plan = planCustomer(
      'C-0001',
      [
        change('b2', 'sms', 'withdrawn', '2024-02-01T00:00:00.000Z'),
        change('b1', 'sms', 'granted', '2024-02-01T00:00:00.000Z'),
        change('a9', 'email', 'granted', '2024-01-15T00:00:00.000Z'),
        change('a1', 'sms', 'granted', '2024-01-01T00:00:00.000Z'),
      ],
      resolve,
      true,
    )
    expect(plan.ok && plan.decisions.map((d) => [d.source.recordId, d.purposeId, d.state])).toEqual([
      ['a1', 'marketing-sms', 'granted'],
      ['a9', 'marketing-email', 'granted'],
      ['b1', 'marketing-sms', 'granted'],
      ['b2', 'marketing-sms', 'withdrawn'],
    ])
  })

  it('derives the same decision ids from the same legacy records, and others from others', () => {
    const lines = [change('a1', 'sms', 'granted', '2024-01-01T00:00:00.000Z')]
    const ids = () =>
      (planCustomer('C-0001', lines, resolve, true) as { decisions: { id: string }[] }).decisions
    expect(ids()[0]!.id).toBe(ids()[0]!.id)
    expect(ids()[0]!.id).toBe(legacyDecisionId('audit/a1'))
    expect(legacyDecisionId('audit/a1')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
    expect(legacyDecisionId('audit/a2')).not.toBe(legacyDecisionId('audit/a1'))
  })

  it('writes the consent record last when the audit log ends in another state, and notes it', () => {
    const plan = planCustomer(
      'C-0001',
      [
        consent('c1', 'sms', 'withdrawn', '2023-12-01T00:00:00.000Z'),
        change('a1', 'sms', 'granted', '2024-01-01T00:00:00.000Z'),
      ],
      resolve,
      true,
    )
    if (!plan.ok) throw new Error(plan.detail)
    // Written last though dated earlier: the consent collection is what the old service acted on.
    expect(plan.decisions.map((d) => [d.source.recordId, d.state, d.at])).toEqual([
      ['a1', 'granted', '2024-01-01T00:00:00.000Z'],
      ['c1', 'withdrawn', '2023-12-01T00:00:00.000Z'],
    ])
    expect(plan.notes).toEqual([
      expect.objectContaining({ kind: 'audit-disagrees', purposeId: 'marketing-sms' }),
    ])
  })

  it('adds nothing from the consent record when the audit log ends where it does', () => {
    const plan = planCustomer(
      'C-0001',
      [
        consent('c1', 'sms', 'granted', '2024-01-01T00:00:00.000Z'),
        change('a1', 'sms', 'granted', '2024-01-01T00:00:00.000Z'),
      ],
      resolve,
      true,
    )
    expect(plan.ok && plan.decisions.map((d) => d.source.recordId)).toEqual(['a1'])
    expect(plan.ok && plan.notes).toEqual([])
  })

  it('skips the records of an unknown purpose, and the whole customer for one unreadable line', () => {
    const plan = planCustomer(
      'C-0001',
      [change('a1', 'fax', 'granted', '2024-01-01T00:00:00.000Z')],
      resolve,
      true,
    )
    expect(plan).toMatchObject({
      ok: true,
      decisions: [],
      skipped: [{ recordId: 'a1', reason: 'unknown-purpose', detail: 'unknown purpose fax' }],
    })
    const broken = planCustomer(
      'C-0001',
      [
        change('a1', 'sms', 'granted', '2024-01-01T00:00:00.000Z'),
        { collection: 'audit', line: 7, ok: false, reason: 'not-json', detail: 'not JSON' },
      ],
      resolve,
      true,
    )
    expect(broken).toEqual({
      ok: false,
      reason: 'bad-line',
      detail: 'audit line 7 cannot be read',
      lines: [7],
    })
  })

  it('refuses a customer whose export lists one record twice', () => {
    const twice = change('a1', 'sms', 'granted', '2024-01-01T00:00:00.000Z')
    expect(planCustomer('C-0001', [twice, { ...twice, line: 2 }], resolve, true)).toMatchObject({
      ok: false,
      reason: 'duplicate-record',
    })
  })
})
