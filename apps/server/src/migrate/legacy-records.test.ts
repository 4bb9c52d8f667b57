import { describe, expect, it } from 'vitest'
import { parseLegacyLine } from './legacy-records'

const NOW = Date.parse('2026-11-02T08:00:00.000Z')
const by = { userId: 'C-0001', userType: 'customer', userName: 'Nimal Perera' }
const consent = {
  _id: { $oid: '64f0e1d2c3b4a59687000001' },
  customerId: 'C-0001',
  purpose: 'sms_marketing',
  status: 'revoked',
  createdAt: { $date: { $numberLong: '1676363400000' } },
  updatedAt: { $date: '2024-03-01T10:00:00.000Z' },
  updatedBy: by,
  __v: 0,
}
const change = {
  _id: { $oid: '65a1b2c3d4e5f6a7b8c90001' },
  customerId: 'C-0001',
  purpose: 'sms_marketing',
  action: 'consent-updated',
  before: { status: 'granted' },
  after: { status: 'revoked' },
  changedBy: by,
  timestamp: { $date: '2024-03-01T10:00:00.000Z' },
  ip: '203.0.113.10',
}
const line = (o: object) => JSON.stringify(o)

describe('parseLegacyLine', () => {
  it('reads a consent document, "revoked" as withdrawn', () => {
    expect(parseLegacyLine(line(consent), 'consents', NOW)).toEqual({
      ok: true,
      customerId: 'C-0001',
      value: {
        kind: 'consent',
        _id: '64f0e1d2c3b4a59687000001',
        customerId: 'C-0001',
        purpose: 'sms_marketing',
        status: 'withdrawn',
        createdAt: '2023-02-14T08:30:00.000Z',
        updatedAt: '2024-03-01T10:00:00.000Z',
        updatedBy: by,
      },
    })
  })

  it('reads an audit change with its optional ip and channel, and a null before', () => {
    const first = parseLegacyLine(line({ ...change, action: 'consent-created', before: null }), 'audit', NOW)
    expect(first).toMatchObject({
      ok: true,
      value: {
        kind: 'change',
        action: 'consent-created',
        before: null,
        after: 'withdrawn',
        ip: '203.0.113.10',
      },
    })
    expect(first.ok && 'channel' in first.value).toBe(false)
  })

  it.each([
    [{ ...consent, status: 'maybe' }, 'status: "granted" or "revoked" is needed'],
    [{ ...consent, customerId: 'C 0001' }, 'customerId: a customer id'],
    [{ ...consent, updatedAt: { $date: '2022-01-01T00:00:00Z' } }, 'updatedAt: earlier than createdAt'],
    [
      { ...consent, updatedAt: { $date: '2027-01-01T00:00:00Z' } },
      'updatedAt: 2027-01-01T00:00:00.000Z is in the future',
    ],
    [{ ...consent, updatedBy: { userType: 'csr' } }, 'updatedBy.userId: a string is needed'],
  ])('refuses a consent document %#, naming the field', (record, detail) => {
    const r = parseLegacyLine(line(record), 'consents', NOW)
    expect(r).toMatchObject({ ok: false, reason: 'bad-record' })
    expect(r.ok ? '' : r.detail).toContain(detail)
  })

  it('refuses an audit change of an unknown action', () => {
    expect(parseLegacyLine(line({ ...change, action: 'consent-viewed' }), 'audit', NOW)).toMatchObject({
      ok: false,
      reason: 'bad-record',
      customerId: 'C-0001',
      detail: 'action: one of consent-created, consent-updated is needed',
    })
  })

  it('names the customer of a line cut short, so that customer can be skipped whole', () => {
    const cut = line(consent).slice(0, 80)
    expect(parseLegacyLine(cut, 'consents', NOW)).toMatchObject({
      ok: false,
      reason: 'not-json',
      customerId: 'C-0001',
    })
    expect(parseLegacyLine('{"_id": 1, "purp', 'consents', NOW)).not.toHaveProperty('customerId')
  })
})
