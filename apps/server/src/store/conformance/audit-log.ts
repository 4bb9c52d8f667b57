import {
  type AuditEntry,
  COMPILED_CATALOG,
  DEFAULT_CATALOG,
  findPurpose,
  GENESIS,
  verifyChain,
} from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import { type AuditFilter, type AuditLog, InvalidCursorError } from '../audit-log'
import type { DocumentLog } from '../document-log'
import type { StoreLifecycle } from '../store'
import { fixtures, type MakeStore } from './fixture'
import { consentHistory, timeline } from './history'

/** What the audit log suite looks at: the audit log, and appends that store its entries. */
export type AuditLogSubject = StoreLifecycle & AuditLog & Pick<DocumentLog, 'append'>

/** Appends a small history for two customers, one request at a time; returns every entry in append order. */
async function seed(store: AuditLogSubject) {
  const step = timeline()
  const a = consentHistory('C-0001')
  const b = consentHistory('C-0002')
  const requests = [
    a.record([step('marketing-sms', 'granted')]),
    b.record([step('marketing-email', 'granted', 'csr'), step('usage-analytics', 'granted', 'csr')]),
    a.record([step('marketing-sms', 'withdrawn')]),
    a.record([step('usage-analytics', 'granted', 'csr')]),
    b.record([step('marketing-email', 'withdrawn')]),
    a.record([step('marketing-email', 'granted')]),
  ]
  const entries: AuditEntry[] = []
  for (const r of requests) {
    const [result] = await store.append([r])
    expect(result?.behind).toBeUndefined()
    entries.push(...r.entries)
  }
  return { entries, times: entries.map((e) => e.receivedAt) }
}

async function allPages(store: AuditLog, filter: Omit<AuditFilter, 'cursor'>): Promise<AuditEntry[][]> {
  const pages: AuditEntry[][] = []
  let cursor: string | null = null
  do {
    const page: Awaited<ReturnType<AuditLog['queryAudit']>> = await store.queryAudit(
      cursor === null ? filter : { ...filter, cursor },
    )
    pages.push(page.entries)
    cursor = page.nextCursor
  } while (cursor !== null)
  return pages
}

/** AuditLog: each customer's chain and head, filters, cursor pages and streams, newest first. */
export function runAuditLogTests(makeStore: MakeStore<AuditLogSubject>): void {
  const { setup } = fixtures(makeStore)
  describe('audit log', () => {
    it("chains each customer's entries so that verifyChain passes and chainHead is the last entry", async () => {
      const store = await setup()
      const { entries } = await seed(store)
      expect(await store.chainHead('C-0404')).toEqual(GENESIS)
      for (const id of ['C-0001', 'C-0002']) {
        const chain = await store.auditChain(id)
        expect(chain).toEqual(entries.filter((e) => e.customerId === id))
        const verdict = verifyChain(chain)
        expect(verdict.ok).toBe(true)
        const last = chain.at(-1)!
        expect(await store.chainHead(id)).toEqual({ seq: last.seq, hash: last.hash })
        expect(verdict.ok && verdict.head).toEqual({ seq: last.seq, hash: last.hash })
      }
      // Exactly the AuditEntry fields, so the entries hash-verify wherever they travel.
      expect(Object.keys((await store.auditChain('C-0002'))[0]!).sort()).toEqual(
        Object.keys(entries[1]!).sort(),
      )
      expect((await store.auditChain('C-0001'))[0]!.evidence).toBeNull()
    })

    it('finds the entries of a decision id, whoever holds it', async () => {
      const store = await setup()
      const { entries } = await seed(store)
      for (const e of entries) expect(await store.decisionEntries(e.decisionId, 10)).toEqual([e])
      expect(await store.decisionEntries('no-such-decision', 10)).toEqual([])
    })

    it("keeps an entry's notice hash exactly: there when it was chained with one, absent when not", async () => {
      const store = await setup()
      const step = timeline()
      // The catalog kept as data gives each version's text hash; the compiled one (older entries) does not.
      const textHash = (purposeId: string) => findPurpose(DEFAULT_CATALOG, purposeId)!.textHash
      const a = consentHistory('C-0001')
      const before = a.record([step('marketing-sms', 'granted')], COMPILED_CATALOG)
      const after = a.record([step('marketing-sms', 'withdrawn'), step('marketing-push', 'granted')])
      await store.append([before])
      await store.append([after])
      const appended = [...before.entries, ...after.entries]
      expect('noticeHash' in appended[0]!).toBe(false)
      expect(appended[2]!.noticeHash).toMatch(/^[0-9a-f]{64}$/)
      expect(appended[2]!.noticeHash).toBe(textHash('marketing-push'))

      // Strictly equal: a noticeHash key that is there but undefined would not hash as appended elsewhere.
      const chain = await store.auditChain('C-0001')
      expect(chain).toStrictEqual(appended)
      expect(verifyChain(chain).ok).toBe(true)
      expect(Object.keys(chain[0]!)).not.toContain('noticeHash')
      expect(chain[1]!.noticeHash).toBe(textHash('marketing-sms'))
      const newestFirst = [...appended].reverse()
      expect((await store.queryAudit({ customerId: 'C-0001', limit: 10 })).entries).toStrictEqual(newestFirst)
      const streamed: AuditEntry[] = []
      for await (const e of store.streamAudit({ purposeId: 'marketing-sms' })) streamed.push(e)
      expect(streamed).toStrictEqual(newestFirst.filter((e) => e.purposeId === 'marketing-sms'))
    })

    it('filters audit entries by customer, purpose, actor and time, newest first', async () => {
      const store = await setup()
      const { entries, times } = await seed(store)
      const newestFirst = [...entries].reverse()
      const cases: [Omit<AuditFilter, 'limit' | 'cursor'>, (e: AuditEntry) => boolean][] = [
        [{}, () => true],
        [{ customerId: 'C-0001' }, (e) => e.customerId === 'C-0001'],
        [{ purposeId: 'marketing-email' }, (e) => e.purposeId === 'marketing-email'],
        [{ actorId: 'csr1' }, (e) => e.actorId === 'csr1'],
        [{ customerId: 'C-0001', actorId: 'csr1' }, (e) => e.customerId === 'C-0001' && e.actorId === 'csr1'],
        [{ from: times[3]! }, (e) => e.receivedAt >= times[3]!],
        [{ to: times[3]! }, (e) => e.receivedAt < times[3]!],
        [
          { from: times[1]!, to: times[5]!, customerId: 'C-0002' },
          (e) => e.customerId === 'C-0002' && e.receivedAt >= times[1]! && e.receivedAt < times[5]!,
        ],
        [{ customerId: 'C-0404' }, () => false],
      ]
      for (const [filter, keep] of cases) {
        const expected = newestFirst.filter(keep)
        const page = await store.queryAudit({ ...filter, limit: 100 })
        expect(page.entries, JSON.stringify(filter)).toEqual(expected)
        expect(page.nextCursor).toBeNull()
      }
      expect(newestFirst.filter((e) => e.actorId === 'csr1').length).toBeGreaterThan(1)
    })

    it('pages with a cursor through every entry exactly once, newest first', async () => {
      const store = await setup()
      const step = timeline()
      const { entries } = await seed(store)
      const newestFirst = [...entries].reverse()
      for (const limit of [1, 2, 3, entries.length, entries.length + 1]) {
        const pages = await allPages(store, { limit })
        expect(pages.flat()).toEqual(newestFirst)
        expect(pages.every((p) => p.length <= limit)).toBe(true)
        expect(pages.length).toBe(Math.max(1, Math.ceil(entries.length / limit)))
      }
      const onlyA = await allPages(store, { customerId: 'C-0001', limit: 2 })
      expect(onlyA.flat()).toEqual(newestFirst.filter((e) => e.customerId === 'C-0001'))
      // Entries appended while paging do not show up in later pages or shift them.
      const first = await store.queryAudit({ limit: 2 })
      await store.append([consentHistory('C-0009').record([step('marketing-sms', 'granted')])])
      const rest = await allPages(store, { limit: 2 })
      expect(rest.flat()[0]!.customerId).toBe('C-0009')
      const second = await store.queryAudit({ limit: 100, cursor: first.nextCursor! })
      expect([...first.entries, ...second.entries]).toEqual(newestFirst)
    })

    it('rejects a cursor it did not issue', async () => {
      const store = await setup()
      await seed(store)
      await expect(store.queryAudit({ limit: 2, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(
        InvalidCursorError,
      )
    })

    it('streams every matching entry, newest first', async () => {
      const store = await setup()
      const { entries } = await seed(store)
      const all: AuditEntry[] = []
      for await (const e of store.streamAudit({})) all.push(e)
      expect(all).toEqual([...entries].reverse())
      const purpose: AuditEntry[] = []
      for await (const e of store.streamAudit({ purposeId: 'marketing-sms' })) purpose.push(e)
      expect(purpose).toEqual([...entries].reverse().filter((e) => e.purposeId === 'marketing-sms'))
      const none: AuditEntry[] = []
      for await (const e of store.streamAudit({ customerId: 'C-0404' })) none.push(e)
      expect(none).toEqual([])
    })
  })
}
