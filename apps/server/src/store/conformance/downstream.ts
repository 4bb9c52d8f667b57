import { DEFAULT_CATALOG, type PurposeCatalog } from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import { decisionEventId, deriveDownstream, sweptEventId } from '../../downstream/derive'
import type { AppendRequest, DocumentLog } from '../document-log'
import type { ConsentStateRow, DownstreamStore, OutboxEvent } from '../outbox'
import type { StoreLifecycle } from '../store'
import { fixtures, type MakeStore } from './fixture'
import { consentHistory, rechained, timeline } from './history'

export type DownstreamSubject = StoreLifecycle & DocumentLog & DownstreamStore

/** `catalog` with a lifetime on marketing-sms's one version: grants under it expire. */
export function withLifetime(days: number, catalog: PurposeCatalog = DEFAULT_CATALOG): PurposeCatalog {
  return {
    ...catalog,
    purposes: catalog.purposes.map((p) =>
      p.id === 'marketing-sms'
        ? {
            ...p,
            lifetimeDays: days,
            versions: (p.versions ?? []).map((v) => ({ ...v, lifetimeDays: days })),
          }
        : p,
    ),
  }
}

/** The request with what the accepting side derives for it, as the room sends it. */
function derived(request: AppendRequest, catalog: PurposeCatalog = DEFAULT_CATALOG): AppendRequest {
  const d = deriveDownstream(request.entries, catalog)
  return d ? { ...request, derived: d } : request
}

async function allEvents(store: DownstreamStore): Promise<OutboxEvent[]> {
  return store.readOutbox(0, 10_000)
}

async function allRows(store: DownstreamStore, purposeId: string, sinceChange?: number) {
  const pages: ConsentStateRow[][] = []
  const options = { pageSize: 10, ...(sinceChange === undefined ? {} : { sinceChange }) }
  for await (const page of store.streamConsentStates(purposeId, options)) pages.push(page)
  return pages
}

/**
 * The outbox and the current-state table (DESIGN.md §12 "Downstream"): written exactly when an
 * append is stored, seqs gapless, ids unique, sweeps applied once.
 */
export function runDownstreamTests(makeStore: MakeStore<DownstreamSubject>): void {
  const { setup } = fixtures(makeStore)

  describe('outbox and current state', () => {
    it('writes each stored decision’s event and row, and a consent.changed when the effective state moves', async () => {
      const store = await setup()
      const step = timeline()
      const a = consentHistory('C-0001')
      const b = consentHistory('C-0002')
      const grant = derived(a.record([step('marketing-sms', 'granted')]))
      await store.append([grant, derived(b.record([step('marketing-push', 'granted', 'csr')]))])
      const events = await allEvents(store)
      expect(events.map((e) => [e.seq, e.type, e.id])).toEqual([
        [1, 'decision.accepted', 'evt_C-0001_1'],
        [2, 'consent.changed', 'evt_C-0001_1_changed'],
        [3, 'decision.accepted', 'evt_C-0002_1'],
        [4, 'consent.changed', 'evt_C-0002_1_changed'],
      ])
      const entry = grant.entries[0]!
      expect(events[0]).toEqual({
        seq: 1,
        id: 'evt_C-0001_1',
        type: 'decision.accepted',
        customerId: 'C-0001',
        purposeId: 'marketing-sms',
        createdAt: entry.receivedAt,
        data: {
          customerId: 'C-0001',
          purposeId: 'marketing-sms',
          decisionId: entry.decisionId,
          decision: 'granted',
          state: 'granted',
          previousState: 'withdrawn',
          effectiveState: 'granted',
          conflicted: false,
          actor: { id: 'C-0001', role: 'customer' },
          channel: 'web',
          noticeVersion: entry.noticeVersion,
          noticeHash: entry.noticeHash,
          receivedAt: entry.receivedAt,
          seq: 1,
        },
      })
      expect(events[1]?.data).toMatchObject({
        reason: 'decision',
        previousEffectiveState: 'withdrawn',
        effectiveState: 'granted',
        at: entry.receivedAt,
      })
      expect(await store.consentStates('marketing-sms', ['C-0001', 'C-0002'])).toEqual([
        {
          customerId: 'C-0001',
          purposeId: 'marketing-sms',
          state: 'granted',
          conflicted: false,
          noticeVersion: entry.noticeVersion,
          decidedAt: entry.receivedAt,
          effectiveState: 'granted',
          expiresAt: null,
          changeSeq: 1,
        },
      ])
      expect(await store.outboxHead()).toBe(4)
      expect(await store.consentStateMark()).toBeGreaterThanOrEqual(3)
    })

    it('announces no consent.changed when the effective state stays, and follows requests of one batch in order', async () => {
      const store = await setup()
      const step = timeline()
      const a = consentHistory('C-0001')
      await store.append([
        derived(a.record([step('marketing-sms', 'granted')])),
        derived(a.record([step('marketing-sms', 'withdrawn')])),
      ])
      await store.append([derived(a.record([step('marketing-sms', 'withdrawn', 'csr')]))])
      const events = await allEvents(store)
      expect(events.map((e) => [e.seq, e.id])).toEqual([
        [1, 'evt_C-0001_1'],
        [2, 'evt_C-0001_1_changed'],
        [3, 'evt_C-0001_2'],
        [4, 'evt_C-0001_2_changed'],
        [5, 'evt_C-0001_3'],
      ])
      expect(events[3]?.data).toMatchObject({
        previousEffectiveState: 'granted',
        effectiveState: 'withdrawn',
      })
      const [row] = await store.consentStates('marketing-sms', ['C-0001'])
      expect(row).toMatchObject({ state: 'withdrawn', effectiveState: 'withdrawn', changeSeq: 5 })
    })

    it('writes nothing downstream for a request that is behind', async () => {
      const store = await setup()
      const step = timeline()
      const a = consentHistory('C-0001')
      await store.append([derived(a.record([step('marketing-sms', 'granted')]))])
      const before = await allEvents(store)
      const rowBefore = await store.consentStates('marketing-sms', ['C-0001'])
      const stale = { ...derived(a.record([step('marketing-sms', 'withdrawn')])), expectedSeq: 0 }
      const forked = derived(
        rechained(consentHistory('C-0001').record([step('marketing-push', 'granted')]), {
          seq: 0,
          hash: '0'.repeat(64),
        }),
      )
      const results = await store.append([stale, forked])
      expect(results.every((r) => r.behind)).toBe(true)
      expect(await allEvents(store)).toEqual(before)
      expect(await store.consentStates('marketing-sms', ['C-0001'])).toEqual(rowBefore)
      expect(await store.consentStates('marketing-push', ['C-0001'])).toEqual([])
      // Stored, the same update writes its own.
      await store.append([{ ...stale, expectedSeq: 1 }])
      expect((await allEvents(store)).map((e) => e.id)).toEqual([
        'evt_C-0001_1',
        'evt_C-0001_1_changed',
        'evt_C-0001_2',
        'evt_C-0001_2_changed',
      ])
    })

    it('writes nothing downstream when the batch fails', async () => {
      const store = await setup()
      const step = timeline()
      const good = derived(consentHistory('C-0001').record([step('marketing-sms', 'granted')]))
      const bad = { ...good, customerId: 'C-0002' }
      await expect(store.append([good, bad])).rejects.toThrow()
      expect(await allEvents(store)).toEqual([])
      expect(await store.consentStates('marketing-sms', ['C-0001'])).toEqual([])
    })

    it('gives gapless seqs and unique ids across customers and calls at once', async () => {
      const store = await setup()
      const step = timeline()
      const histories = ['C-0001', 'C-0002', 'C-0003'].map((id) => consentHistory(id))
      for (let i = 0; i < 4; i++) {
        const round = histories.map((h) =>
          derived(
            h.record([
              step('marketing-sms', i % 2 ? 'withdrawn' : 'granted'),
              step('marketing-push', 'granted'),
            ]),
          ),
        )
        await Promise.all([store.append(round.slice(0, 1)), store.append(round.slice(1))])
      }
      const events = await allEvents(store)
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1))
      expect(new Set(events.map((e) => e.id)).size).toBe(events.length)
      // 3 customers × 4 updates × 2 entries; sms changes every time, push once per customer.
      expect(events.filter((e) => e.type === 'decision.accepted')).toHaveLength(24)
      expect(events.filter((e) => e.type === 'consent.changed')).toHaveLength(12 + 3)
      expect(await store.outboxHead()).toBe(events.length)
      expect((await store.readOutbox(10, 5)).map((e) => e.seq)).toEqual([11, 12, 13, 14, 15])
      expect(await store.readOutbox(events.length, 5)).toEqual([])
    })

    it('appends events idempotently: an id already stored is skipped', async () => {
      const store = await setup()
      const at = '2026-11-02T08:00:00.000Z'
      const event = (id: string) => ({
        id,
        type: 'catalog.published' as const,
        customerId: null,
        purposeId: 'marketing-sms',
        createdAt: at,
        data: { purposeId: 'marketing-sms', version: id, nested: { ok: true } },
      })
      expect(await store.appendEvents([event('v1'), event('v2')])).toBe(2)
      expect(await store.appendEvents([event('v1'), event('v3'), event('v3')])).toBe(1)
      expect(await store.appendEvents([])).toBe(0)
      const events = await allEvents(store)
      expect(events.map((e) => [e.seq, e.id])).toEqual([
        [1, 'v1'],
        [2, 'v2'],
        [3, 'v3'],
      ])
      expect(events[0]).toEqual({ seq: 1, ...event('v1') })
      // Appends go on after them.
      await store.append([derived(consentHistory('C-0001').record([timeline()('marketing-sms', 'granted')]))])
      expect((await store.readOutbox(3, 10)).map((e) => [e.seq, e.id])).toEqual([
        [4, decisionEventId('C-0001', 1)],
        [5, 'evt_C-0001_1_changed'],
      ])
    })

    it('streams a purpose’s rows in customer order, page by page, and only those changed since a mark', async () => {
      const store = await setup()
      const step = timeline()
      const ids = Array.from({ length: 23 }, (_, i) => `C-${String(i + 1).padStart(4, '0')}`)
      const histories = new Map(ids.map((id) => [id, consentHistory(id)]))
      await store.append(
        [...ids]
          .reverse()
          .map((id) => derived(histories.get(id)!.record([step('marketing-sms', 'granted')]))),
      )
      const pages = await allRows(store, 'marketing-sms')
      expect(pages.map((p) => p.length)).toEqual([10, 10, 3])
      expect(pages.flat().map((r) => r.customerId)).toEqual(ids)
      expect(await allRows(store, 'marketing-push')).toEqual([])
      const mark = await store.consentStateMark()
      expect(await allRows(store, 'marketing-sms', mark)).toEqual([])
      const changed = ['C-0003', 'C-0017']
      await store.append(
        changed.map((id) => derived(histories.get(id)!.record([step('marketing-sms', 'withdrawn')]))),
      )
      const since = (await allRows(store, 'marketing-sms', mark)).flat()
      expect(since.map((r) => [r.customerId, r.effectiveState])).toEqual([
        ['C-0003', 'withdrawn'],
        ['C-0017', 'withdrawn'],
      ])
      expect(since.every((r) => r.changeSeq > mark)).toBe(true)
      expect(await store.consentStateMark()).toBeGreaterThan(mark)
    })

    it('answers consentStates for the ids it holds only', async () => {
      const store = await setup()
      const step = timeline()
      await store.append([derived(consentHistory('C-0002').record([step('marketing-sms', 'granted')]))])
      expect(await store.consentStates('marketing-sms', [])).toEqual([])
      expect(await store.consentStates('marketing-sms', ['C-0404', 'nobody'])).toEqual([])
      expect(await store.consentStates('no-such-purpose', ['C-0002'])).toEqual([])
      const found = await store.consentStates('marketing-sms', ['C-0404', 'C-0002', 'C-0002'])
      expect(found.map((r) => r.customerId)).toEqual(['C-0002'])
    })

    it('finds expired and voided grants, and applies a sweep once, only while the row is where it was read', async () => {
      const store = await setup()
      const step = timeline()
      const catalog = withLifetime(1)
      const a = consentHistory('C-0001')
      const b = consentHistory('C-0002')
      const c = consentHistory('C-0003')
      await store.append([
        derived(a.record([step('marketing-sms', 'granted')], catalog), catalog),
        derived(b.record([step('marketing-sms', 'granted')], catalog), catalog),
        derived(c.record([step('marketing-push', 'granted')], catalog), catalog),
      ])
      const [row] = await store.consentStates('marketing-sms', ['C-0001'])
      expect(row?.expiresAt).toBe(new Date(Date.parse(row!.decidedAt) + 86_400_000).toISOString())
      const now = '2026-11-04T00:00:00.000Z'
      expect(
        await store.dueConsentStates({ now: '2026-11-02T09:00:00.000Z', voided: [], limit: 10 }),
      ).toEqual([])
      const due = await store.dueConsentStates({ now, voided: [], limit: 10 })
      expect(due.map((r) => r.customerId).sort()).toEqual(['C-0001', 'C-0002'])
      expect(await store.dueConsentStates({ now, voided: [], limit: 1 })).toHaveLength(1)
      const push = await store.dueConsentStates({
        now: '2026-11-02T09:00:00.000Z',
        voided: [{ purposeId: 'marketing-push', versions: null }],
        limit: 10,
      })
      expect(push.map((r) => r.customerId)).toEqual(['C-0003'])
      const byVersion = await store.dueConsentStates({
        now: '2026-11-02T09:00:00.000Z',
        voided: [{ purposeId: 'marketing-push', versions: ['no-such-version'] }],
        limit: 10,
      })
      expect(byVersion).toEqual([])

      // C-0002 decides again before the sweep lands: its read row is stale and is left alone.
      await store.append([derived(b.record([step('marketing-sms', 'granted')], catalog), catalog)])
      const changes = due.map((r) => ({
        customerId: r.customerId,
        purposeId: r.purposeId,
        expectChangeSeq: r.changeSeq,
        effectiveState: 'withdrawn' as const,
        event: {
          id: sweptEventId(r.customerId, r.purposeId, r.changeSeq),
          type: 'consent.changed' as const,
          customerId: r.customerId,
          purposeId: r.purposeId,
          createdAt: now,
          data: { reason: 'expiry', previousEffectiveState: 'granted', effectiveState: 'withdrawn' },
        },
      }))
      const head = await store.outboxHead()
      expect(await store.applyEffectiveChanges(changes)).toBe(1)
      expect(await store.applyEffectiveChanges(changes)).toBe(0)
      expect(await store.applyEffectiveChanges([])).toBe(0)
      const swept = await store.readOutbox(head, 10)
      expect(swept.map((e) => [e.seq, e.id])).toEqual([
        [head + 1, sweptEventId('C-0001', 'marketing-sms', row!.changeSeq)],
      ])
      expect(await store.consentStates('marketing-sms', ['C-0001'])).toEqual([
        { ...row, effectiveState: 'withdrawn', changeSeq: head + 1 },
      ])
      // A new grant after the sweep: the table held withdrawn, so it is announced.
      await store.append([derived(a.record([step('marketing-sms', 'granted')], catalog), catalog)])
      const after = await store.readOutbox(head + 1, 10)
      expect(after.map((e) => e.type)).toEqual(['decision.accepted', 'consent.changed'])
      expect(after[1]?.data).toMatchObject({ previousEffectiveState: 'withdrawn', effectiveState: 'granted' })
    })
  })
}
