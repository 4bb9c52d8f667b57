/**
 * The state at an instant, rebuilt from the stored updates received by then, equals the fold of
 * the decisions whose audit entries were received by then, for random histories on both stores.
 */
import {
  type AuditEntry,
  catalogOf,
  DEFAULT_CATALOG,
  DEFAULT_CATALOG_PUBLISHED_AT,
  type Decision,
  foldAll,
  foldPurpose,
  noticeTextHash,
  type PurposeCatalog,
} from '@consent-sync/consent-core'
import fc from 'fast-check'
import { describe, expect, it, onTestFinished } from 'vitest'
import { seedCatalog } from '../catalog/live-catalog'
import type { Store } from '../store/store'
import { appendDecisions, decision } from '../testing/decisions'
import { scaleOutServices } from '../testing/services'
import { postgresStores, sqliteStores } from '../testing/stores'
import { catalogAt, stateAt } from './state-at'

const services = await scaleOutServices({ redis: false, skipping: 'the PostgreSQL state-at test' })

const HOUR = 3_600_000
const DAY = 24 * HOUR
/** When marketing-sms 1.1, whose grants live one day, was published: before every history. */
const LIFETIME_AT = '2026-11-01T12:00:00.000Z'
const HISTORY_FROM = Date.parse('2026-11-02T00:00:00.000Z')
const PURPOSES = ['marketing-sms', 'marketing-email'] as const
const IN_HISTORY = new Set<string>(PURPOSES)
const ACTORS = [
  { id: 'cust', role: 'customer' },
  { id: 'csr1', role: 'csr' },
] as const

/** A store with the default catalog seeded and marketing-sms 1.1 (lifetime one day) published. */
async function setup(make: () => Promise<{ open: () => Store; cleanup: () => Promise<void> }>) {
  const f = await make()
  onTestFinished(f.cleanup)
  const store = f.open()
  await store.migrate()
  await seedCatalog(store, DEFAULT_CATALOG, DEFAULT_CATALOG_PUBLISHED_AT)
  const [v10] = await store.listVersions('marketing-sms')
  if (!v10) throw new Error('marketing-sms has no version')
  const texts = { title: v10.title, notice: { ...v10.notice, en: `${v10.notice.en} For one day.` } }
  await store.publishVersion(
    {
      ...v10,
      ...texts,
      version: '1.1',
      material: false,
      lifetimeDays: 1,
      publishedAt: LIFETIME_AT,
      textHash: noticeTextHash('marketing-sms', '1.1', texts),
    },
    {
      action: 'version.publish',
      target: 'version:marketing-sms@1.1',
      actorId: 'admin1',
      actorRole: 'admin',
      at: LIFETIME_AT,
      details: {},
    },
  )
  const catalog = catalogOf(await store.listPurposes(), await store.listVersions())
  return { store, catalog }
}

/** One step of a history: who decides what on which purpose, which heads they saw, how long after the last. */
const stepArb = fc.record({
  gapMs: fc.oneof(fc.integer({ min: 1, max: 6 * HOUR }), fc.integer({ min: 20 * HOUR, max: 2 * DAY })),
  decisions: fc.array(
    fc.record({
      purpose: fc.constantFrom(...PURPOSES),
      actor: fc.constantFrom(...ACTORS),
      state: fc.constantFrom('granted' as const, 'withdrawn' as const),
      // Which of the purpose's current heads the deciding replica had seen: fewer makes a conflict.
      seen: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
      oldNotice: fc.boolean(),
      // Device clocks, anywhere: never what the state at an instant is judged by.
      deviceSkewMs: fc.integer({ min: -30 * DAY, max: 30 * DAY }),
    }),
    { minLength: 1, maxLength: 2 },
  ),
})

type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never

/** Stores the history as one update per step, each received `gapMs` after the last. */
async function storeHistory(
  store: Store,
  catalog: PurposeCatalog,
  customerId: string,
  steps: readonly Step[],
): Promise<{ decisions: Map<string, Decision>; entries: AuditEntry[] }> {
  const all = new Map<string, Decision>()
  const entries: AuditEntry[] = []
  let t = HISTORY_FROM
  for (const step of steps) {
    t += step.gapMs
    const batch: Decision[] = []
    for (const d of step.decisions) {
      const known = [...all.values(), ...batch].filter((x) => x.purposeId === d.purpose)
      const heads = foldPurpose(d.purpose, known, 'withdrawn').heads
      const made = decision({
        purposeId: d.purpose,
        state: d.state,
        supersedes: heads.filter((_, i) => d.seen[i % d.seen.length]).map((h) => h.id),
        actor: d.actor.role === 'customer' ? { id: customerId, role: 'customer' } : { ...d.actor },
        channel: d.actor.role === 'customer' ? 'web' : 'phone',
        noticeVersion: d.purpose === 'marketing-sms' && !d.oldNotice ? '1.1' : '1.0',
        at: new Date(t + d.deviceSkewMs).toISOString(),
      })
      batch.push(made)
    }
    const user =
      batch[0]!.actor.role === 'customer' ? { id: customerId, role: 'customer' as const } : ACTORS[1]
    const stored = await appendDecisions(store, customerId, batch, user, new Date(t).toISOString(), catalog)
    for (const d of batch) all.set(d.id, d)
    entries.push(...stored.entries)
  }
  return { decisions: all, entries }
}

/** What the state at `at` must be, from the audit entries alone and the decisions they name. */
function expectedAt(decisions: Map<string, Decision>, entries: readonly AuditEntry[], at: string) {
  const accepted = entries.filter((e) => e.receivedAt <= at)
  const received = new Map(accepted.map((e) => [e.decisionId, e.receivedAt]))
  const folded = foldAll(
    accepted.map((e) => decisions.get(e.decisionId)!),
    { ...DEFAULT_CATALOG, purposes: DEFAULT_CATALOG.purposes.filter((p) => IN_HISTORY.has(p.id)) },
  )
  return folded.map((s) => {
    const last = accepted.filter((e) => e.purposeId === s.purposeId).at(-1)
    const lives = s.purposeId === 'marketing-sms' && s.decision?.noticeVersion === '1.1'
    const from = s.decision ? received.get(s.decision.id) : undefined
    const expiresAt =
      s.state === 'granted' && lives && from ? new Date(Date.parse(from) + DAY).toISOString() : null
    const expired = expiresAt !== null && expiresAt <= at
    return {
      purposeId: s.purposeId,
      // The audit entry of the last decision on the purpose says what the fold was after it.
      state: last?.newState ?? 'withdrawn',
      conflicted: last?.conflicted ?? false,
      decisionId: s.decision?.id ?? null,
      heads: s.heads.map((h) => h.id),
      expiresAt,
      expired,
      effectiveState: s.state === 'granted' && !expired ? 'granted' : 'withdrawn',
    }
  })
}

function stateAtTests(
  name: string,
  make: () => Promise<{ open: () => Store; cleanup: () => Promise<void> }>,
) {
  describe(`stateAt (${name})`, () => {
    it('equals the fold of the decisions accepted by each receive time, and just before it', async () => {
      const { store, catalog } = await setup(make)
      let run = 0
      // The histories must reach what the property is about, or it proves little.
      let conflicts = 0
      let expiries = 0
      await fc.assert(
        fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 12 }), async (steps) => {
          const customerId = `P-${name}-${++run}`
          const { decisions, entries } = await storeHistory(store, catalog, customerId, steps)
          const instants = [...new Set(entries.map((e) => e.receivedAt))].flatMap((t) => [
            new Date(Date.parse(t) - 1).toISOString(),
            t,
          ])
          for (const at of instants) {
            const then = await stateAt(store, customerId, at)
            const got = then.purposes
              .filter((p) => IN_HISTORY.has(p.purposeId))
              .map((p) => ({
                purposeId: p.purposeId,
                state: p.state,
                conflicted: p.conflicted,
                decisionId: p.decisionId,
                heads: p.heads,
                expiresAt: p.state === 'granted' ? p.expiresAt : null,
                expired: p.expired,
                effectiveState: p.effectiveState,
              }))
            const expected = expectedAt(decisions, entries, at)
            expect(got).toEqual(expected)
            conflicts += expected.filter((p) => p.conflicted).length
            expiries += expected.filter((p) => p.expired).length
            expect(then.entries.map((e) => e.seq)).toEqual(
              entries.filter((e) => e.receivedAt <= at).map((e) => e.seq),
            )
          }
        }),
        { numRuns: name === 'sqlite' ? 25 : 15 },
      )
      expect(conflicts).toBeGreaterThan(0)
      expect(expiries).toBeGreaterThan(0)
    })

    it('reads the catalog as it was: purposes created, versions published and retirements made by then', async () => {
      const { store } = await setup(make)
      const before = await catalogAt(store, '2026-11-01T11:59:59.999Z')
      expect(before.purposes.find((p) => p.id === 'marketing-sms')?.version).toBe('1.0')
      expect(
        (await catalogAt(store, LIFETIME_AT)).purposes.find((p) => p.id === 'marketing-sms')?.version,
      ).toBe('1.1')
      expect((await catalogAt(store, '2026-10-31T00:00:00.000Z')).purposes).toEqual([])
      const retiredAt = '2026-11-05T00:00:00.000Z'
      await store.setPurposeStatus('partner-sharing', 'retired', {
        action: 'purpose.retire',
        target: 'purpose:partner-sharing',
        actorId: 'admin1',
        actorRole: 'admin',
        at: retiredAt,
        details: { status: 'retired' },
      })
      const status = async (at: string) =>
        (await catalogAt(store, at)).purposes.find((p) => p.id === 'partner-sharing')?.status
      expect(await status('2026-11-04T23:59:59.999Z')).toBe('active')
      expect(await status(retiredAt)).toBe('retired')
    })

    it('replays the raw updates after a snapshot folded them', async () => {
      const { store, catalog } = await setup(make)
      const first = decision({
        purposeId: 'marketing-email',
        state: 'granted',
        actor: { id: 'S-1', role: 'customer' },
      })
      const user = { id: 'S-1', role: 'customer' } as const
      await appendDecisions(store, 'S-1', [first], user, '2026-11-02T01:00:00.000Z', catalog)
      const second = decision({
        purposeId: 'marketing-email',
        state: 'withdrawn',
        supersedes: [first.id],
        actor: { id: 'S-1', role: 'customer' },
      })
      await appendDecisions(store, 'S-1', [second], user, '2026-11-02T02:00:00.000Z', catalog)
      await store.saveSnapshot('S-1', new Uint8Array([0, 0]), 2)
      const email = async (at: string) =>
        (await stateAt(store, 'S-1', at)).purposes.find((p) => p.purposeId === 'marketing-email')
      expect(await email('2026-11-02T01:30:00.000Z')).toMatchObject({
        state: 'granted',
        decisionId: first.id,
      })
      expect(await email('2026-11-02T02:00:00.000Z')).toMatchObject({
        state: 'withdrawn',
        decisionId: second.id,
      })
    })
  })
}

stateAtTests('sqlite', sqliteStores)
describe.skipIf(!services.ok)('postgres', () => stateAtTests('postgres', async () => postgresStores()))
