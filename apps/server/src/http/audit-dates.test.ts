/**
 * `from` and `to` on /api/audit and /api/audit/export: every date-time the query schema lets
 * through filters by the instant it names; the rest is a 400 naming the field; never a 500.
 */
import type { AuditEntry, Decision } from '@consent-sync/consent-core'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appendDecisions, decision } from '../testing/decisions'
import { writtenInstant } from '../testing/rfc3339'
import { startTestServer, type TestServer } from '../testing/server'

/** Receive times of the stored entries, one per update: around a leap second, and now-ish. */
const RECEIVED = [
  '2016-12-31T23:59:59.999Z',
  '2017-01-01T00:00:00.000Z',
  '2017-01-01T00:00:00.001Z',
  '2026-11-02T10:00:00.000Z',
]

let s: TestServer
let token: string
beforeAll(async () => {
  s = await startTestServer()
  token = s.token({ id: 'admin1', role: 'admin' })
  const history: Decision[] = []
  for (const [i, receivedAt] of RECEIVED.entries()) {
    const d = decision({
      purposeId: 'marketing-sms',
      state: i % 2 === 0 ? 'granted' : 'withdrawn',
      supersedes: history.map((h) => h.id),
    })
    await appendDecisions(s.ctx.store, 'C-0001', [d], d.actor, receivedAt)
    history.push(d)
  }
})
afterAll(() => s.cleanup())

type Route = 'audit' | 'export'

/** Status, and the receive times the answer lists (oldest first), or its problem. */
async function query(
  route: Route,
  field: 'from' | 'to',
  value: string,
): Promise<{ status: number; received?: string[]; problem?: Record<string, string> }> {
  const path = route === 'audit' ? '/api/audit?limit=500&' : '/api/audit/export?format=jsonl&'
  const res = await s.get(`${path}${field}=${encodeURIComponent(value)}`, token)
  if (res.status !== 200) return { status: res.status, problem: (await res.json()) as Record<string, string> }
  const entries =
    route === 'audit'
      ? ((await res.json()) as { entries: AuditEntry[] }).entries
      : (await res.text())
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as AuditEntry)
  return { status: 200, received: entries.map((e) => e.receivedAt).sort() }
}

const atOrAfter = (iso: string) => RECEIVED.filter((r) => r >= iso)
const before = (iso: string) => RECEIVED.filter((r) => r < iso)

/** Date-times the schema accepts, and the instant each names (DESIGN.md §10: never a 500). */
const VALID: [string, string][] = [
  ['2016-12-31T23:59:60Z', '2017-01-01T00:00:00.000Z'],
  ['2016-12-31t23:59:60z', '2017-01-01T00:00:00.000Z'],
  ['2016-12-31 23:59:60Z', '2017-01-01T00:00:00.000Z'],
  ['2017-01-01T05:29:60+05:30', '2017-01-01T00:00:00.000Z'],
  ['2016-12-31T18:59:60-05:00', '2017-01-01T00:00:00.000Z'],
  ['2016-12-31T23:59:60.0005Z', '2017-01-01T00:00:00.001Z'],
  ['2016-12-31T23:59:59.99900000001Z', '2017-01-01T00:00:00.000Z'],
  ['2017-01-01T00:00:00-00:00', '2017-01-01T00:00:00.000Z'],
  ['2017-01-01T00:00:00+0000', '2017-01-01T00:00:00.000Z'],
  ['2017-01-01T05:00:00+05', '2017-01-01T00:00:00.000Z'],
  ['2026-11-02T15:30:00+05:30', '2026-11-02T10:00:00.000Z'],
  ['0000-01-01T00:00:00Z', '0000-01-01T00:00:00.000Z'],
  ['0000-01-01T00:00:00+23:59', '0000-01-01T00:00:00.000Z'],
  ['0099-01-01T00:00:00Z', '0099-01-01T00:00:00.000Z'],
  ['2016-02-29T00:00:00Z', '2016-02-29T00:00:00.000Z'],
  ['9999-12-31T23:59:60Z', '9999-12-31T23:59:59.999Z'],
  ['9999-12-31T23:00:00-05:00', '9999-12-31T23:59:59.999Z'],
]

/** Not date-times at all, or not real ones: 400 naming the field. */
const INVALID = [
  'yesterday',
  '2016-12-31T23:59:59',
  '2017-02-29T00:00:00Z',
  '2016-12-31T23:58:60Z',
  '2016-12-31T23:59:61Z',
  '2016-12-31T24:00:00Z',
  '2016-12-31T23:59:59+24:00',
  '2016-12-31T23:59:59.Z',
  '+002016-12-31T23:59:59Z',
]

describe.each(['audit', 'export'] as const)('GET /api/%s with from and to', (route) => {
  it.each(VALID)('%s filters as %s', async (text, instant) => {
    expect(await query(route, 'from', text)).toEqual({ status: 200, received: atOrAfter(instant) })
    expect(await query(route, 'to', text)).toEqual({ status: 200, received: before(instant) })
  })

  it.each(INVALID)('%s is a 400 naming the field', async (text) => {
    for (const field of ['from', 'to'] as const) {
      const answer = await query(route, field, text)
      expect(answer.status, `${field}=${text}`).toBe(400)
      expect(answer.problem).toMatchObject({ error: 'bad-request', field })
    }
  })
})

describe('from and to, generated', () => {
  const nearStored = fc
    .tuple(fc.constantFrom(...RECEIVED.map((r) => Date.parse(r))), fc.integer({ min: -1500, max: 1500 }))
    .map(([ms, delta]) => ms + delta)

  it('filter by the instant any written form names', async () => {
    await fc.assert(
      fc.asyncProperty(
        writtenInstant(nearStored),
        fc.constantFrom('audit' as const, 'export' as const),
        async ({ text, expected }, route) => {
          const iso = new Date(expected).toISOString()
          expect(await query(route, 'from', text), text).toEqual({ status: 200, received: atOrAfter(iso) })
        },
      ),
      { numRuns: 150 },
    )
  })

  it('answer 200 or a 400 naming the field for any mangled date-time, never a 500', async () => {
    const mangled = fc
      .tuple(writtenInstant(), fc.nat(), fc.constantFrom(...'0123456789:-+.TtZz 6'.split('')))
      .map(([{ text }, at, c]) => {
        const i = at % text.length
        return `${text.slice(0, i)}${c}${text.slice(i + 1)}`
      })
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(mangled, fc.string({ maxLength: 40 })),
        fc.constantFrom('from' as const, 'to' as const),
        async (text, field) => {
          const answer = await query('audit', field, text)
          expect([200, 400], `${field}=${JSON.stringify(text)}`).toContain(answer.status)
          if (answer.status === 400) expect(answer.problem).toMatchObject({ error: 'bad-request', field })
        },
      ),
      { numRuns: 300 },
    )
  })
})
