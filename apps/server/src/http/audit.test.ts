import type { AuditEntry, Decision } from '@consent-sync/consent-core'
import { AUDIT_FIELDS, COMPILED_CATALOG, verifyChain } from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import { appendDecisions, decision } from '../testing/decisions'
import { testServer } from '../testing/per-test'
import type { TestServer } from '../testing/server'

interface Page {
  entries: AuditEntry[]
  nextCursor: string | null
}

/** Five entries for C-0001 (one per update, a minute apart) and one for C-0002. */
async function start(): Promise<TestServer> {
  const s = await testServer()
  const history: Decision[] = []
  const steps: [string, 'granted' | 'withdrawn', 'customer' | 'csr'][] = [
    ['marketing-sms', 'granted', 'customer'],
    ['marketing-email', 'granted', 'customer'],
    ['marketing-sms', 'withdrawn', 'csr'],
    ['usage-analytics', 'granted', 'customer'],
    ['marketing-email', 'withdrawn', 'csr'],
  ]
  for (const [i, [purposeId, state, role]] of steps.entries()) {
    const heads = history.filter((d) => d.purposeId === purposeId).map((d) => d.id)
    const actor = role === 'csr' ? { id: 'csr1', role } : { id: 'C-0001', role }
    const d = decision({
      purposeId,
      state,
      supersedes: heads,
      actor,
      channel: role === 'csr' ? 'phone' : 'web',
      ...(role === 'csr' ? { evidence: 'call #7, said "stop, please"\nthen hung up' } : {}),
    })
    await appendDecisions(s.ctx.store, 'C-0001', [d], actor, `2026-11-02T10:0${i}:00.000Z`)
    history.push(d)
  }
  const other = decision({
    purposeId: 'marketing-sms',
    state: 'granted',
    actor: { id: 'C-0002', role: 'customer' },
  })
  await appendDecisions(s.ctx.store, 'C-0002', [other], other.actor, '2026-11-02T10:30:00.000Z')
  return s
}

describe('GET /api/audit', () => {
  it('pages newest first with a cursor until nextCursor is null', async () => {
    const s = await start()
    const token = s.token({ id: 'csr2', role: 'csr' })
    const seen: AuditEntry[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const res = await s.get(
        `/api/audit?customerId=C-0001&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        token,
      )
      expect(res.status).toBe(200)
      const page = (await res.json()) as Page
      expect(page.entries.length).toBeLessThanOrEqual(2)
      seen.push(...page.entries)
      cursor = page.nextCursor
      pages++
    } while (cursor !== null)
    expect(pages).toBe(3)
    expect(seen.map((e) => e.seq)).toEqual([5, 4, 3, 2, 1])
    expect(seen[0]).toMatchObject({
      customerId: 'C-0001',
      purposeId: 'marketing-email',
      previousState: 'granted',
      newState: 'withdrawn',
      actorId: 'csr1',
      actorRole: 'csr',
      evidence: 'call #7, said "stop, please"\nthen hung up',
    })
    expect(seen.at(-1)?.evidence).toBeNull()
    expect(seen.at(-1)?.prevHash).toBe('0'.repeat(64))
  })

  it('filters by purpose, actor and receive time', async () => {
    const s = await start()
    const token = s.token({ id: 'admin1', role: 'admin' })
    const query = async (q: string) =>
      ((await (await s.get(`/api/audit?${q}`, token)).json()) as Page).entries
    expect((await query('purposeId=marketing-sms')).map((e) => [e.customerId, e.seq])).toEqual([
      ['C-0002', 1],
      ['C-0001', 3],
      ['C-0001', 1],
    ])
    expect((await query('actorId=csr1')).map((e) => e.seq)).toEqual([5, 3])
    const window = await query(
      `from=${encodeURIComponent('2026-11-02T10:01:00Z')}&to=2026-11-02T10:03:00.000Z`,
    )
    expect(window.map((e) => e.seq)).toEqual([3, 2])
    // A time zone offset is understood: 15:34+05:30 is 10:04Z.
    const offset = await query(`customerId=C-0001&from=${encodeURIComponent('2026-11-02T15:34:00+05:30')}`)
    expect(offset.map((e) => e.seq)).toEqual([5])
  })

  it('shows a customer their own entries only', async () => {
    const s = await start()
    const token = await s.login('C-0002')
    const own = (await (await s.get('/api/audit', token)).json()) as Page
    expect(own.entries.map((e) => e.customerId)).toEqual(['C-0002'])
    const other = await s.get('/api/audit?customerId=C-0001', token)
    expect(other.status).toBe(403)
    expect(await other.json()).toMatchObject({ error: 'forbidden', field: 'customerId' })
    expect((await s.get('/api/audit', s.token({ id: 'crm', role: 'service' }))).status).toBe(403)
  })

  it('serves an entry with its notice hash and one made before there were any, each exactly as stored', async () => {
    const s = await testServer()
    const old = decision({ purposeId: 'marketing-sms', state: 'granted' })
    const user = { id: 'C-0001', role: 'customer' } as const
    await appendDecisions(s.ctx.store, 'C-0001', [old], user, '2026-10-01T10:00:00.000Z', COMPILED_CATALOG)
    const next = decision({ purposeId: 'marketing-sms', state: 'withdrawn', supersedes: [old.id] })
    await appendDecisions(s.ctx.store, 'C-0001', [next], user, '2026-11-02T10:00:00.000Z')
    const res = await s.get('/api/audit?customerId=C-0001', s.token({ id: 'admin1', role: 'admin' }))
    const { entries } = (await res.json()) as Page
    const chain = [...entries].reverse()
    expect(chain.map((e) => e.noticeHash === undefined)).toEqual([true, false])
    expect(chain[1]?.noticeHash).toMatch(/^[0-9a-f]{64}$/)
    expect(verifyChain(chain).ok).toBe(true)
    expect(chain).toEqual(await s.ctx.store.auditChain('C-0001'))
  })

  it('answers 400 naming the field for a bad from, limit or cursor', async () => {
    const s = await start()
    const token = s.token({ id: 'csr1', role: 'csr' })
    const from = await s.get('/api/audit?from=yesterday', token)
    expect(from.status).toBe(400)
    const body = (await from.json()) as Record<string, string>
    expect(body).toMatchObject({ error: 'bad-request', field: 'from' })
    expect(body.message).toMatch(/date-time/)
    expect(await (await s.get('/api/audit?limit=501', token)).json()).toMatchObject({ field: 'limit' })
    expect(await (await s.get('/api/audit?limit=0', token)).json()).toMatchObject({ field: 'limit' })
    const cursor = await s.get('/api/audit?cursor=bogus', token)
    expect(cursor.status).toBe(400)
    expect(await cursor.json()).toMatchObject({ error: 'bad-request', field: 'cursor' })
  })
})

describe('GET /api/audit/export', () => {
  it('streams JSON Lines, one entry per line, newest first, as an attachment', async () => {
    const s = await start()
    const token = await s.login('admin1')
    const res = await s.get('/api/audit/export?format=jsonl&customerId=C-0001', token)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8')
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="consent-audit-C-0001-\d{4}-\d\d-\d\d\.jsonl"$/,
    )
    const lines = (await res.text()).split('\n')
    expect(lines.at(-1)).toBe('')
    const entries = lines.slice(0, -1).map((l) => JSON.parse(l) as AuditEntry)
    expect(entries.map((e) => e.seq)).toEqual([5, 4, 3, 2, 1])
    expect(entries).toEqual(await s.ctx.store.auditChain('C-0001').then((c) => c.reverse()))
  })

  it('streams CSV with a header row and quoted fields', async () => {
    const s = await start()
    const res = await s.get('/api/audit/export?format=csv', s.token({ id: 'admin1', role: 'admin' }))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toMatch(/filename="consent-audit-\d{4}-\d\d-\d\d\.csv"/)
    const text = await res.text()
    const [header, ...rest] = text.split('\r\n')
    expect(header).toBe(AUDIT_FIELDS.join(','))
    expect(rest.at(-1)).toBe('')
    expect(text).toContain(',"call #7, said ""stop, please""\nthen hung up",')
    // 6 rows; the quoted evidence holds a bare \n, never \r\n, so rows split on \r\n.
    expect(rest.slice(0, -1)).toHaveLength(6)
    const first = rest[0]?.split(',') ?? []
    expect(first.slice(0, 3)).toEqual(['C-0002', '1', 'marketing-sms'])
  })

  it('is for administrators only', async () => {
    const s = await start()
    const res = await s.get('/api/audit/export', s.token({ id: 'csr1', role: 'csr' }))
    expect(res.status).toBe(403)
    expect((await s.get('/api/audit/export')).status).toBe(401)
    const bad = await s.get('/api/audit/export?format=xml', s.token({ id: 'admin1', role: 'admin' }))
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ field: 'format' })
  })
})
