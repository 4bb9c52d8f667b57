import { DEFAULT_CATALOG, type PurposeCatalog } from '@consent-sync/consent-core'
import { describe, expect, it, onTestFinished } from 'vitest'
import type { Store } from '../store/store'
import { appendDecisions, decision } from '../testing/decisions'
import { scaleOutServices } from '../testing/services'
import { postgresStores, sqliteStores } from '../testing/stores'
import { sweepOnce, voidedVersions } from './sweeper'

const services = await scaleOutServices({ redis: false, skipping: 'the PostgreSQL sweeper test' })

const DAY = 86_400_000
const T0 = '2026-11-02T08:00:00.000Z'

/** `DEFAULT_CATALOG` with marketing-sms grants living `days`, and optionally a newer material version of marketing-push. */
function catalogWith(days: number, pushV2?: 'required' | 'prompt', retired?: string): PurposeCatalog {
  return {
    ...DEFAULT_CATALOG,
    purposes: DEFAULT_CATALOG.purposes.map((p) => {
      if (p.id === 'marketing-sms')
        return { ...p, versions: (p.versions ?? []).map((v) => ({ ...v, lifetimeDays: days })) }
      if (p.id === 'marketing-push' && pushV2) {
        const v2 = {
          version: '2.0',
          textHash: 'f'.repeat(64),
          material: true,
          reconsent: pushV2,
          publishedAt: T0,
        }
        return { ...p, version: '2.0', versions: [v2, ...(p.versions ?? [])] }
      }
      if (p.id === retired) return { ...p, status: 'retired' as const }
      return p
    }),
  }
}

async function grant(store: Store, customerId: string, purposeId: string, catalog: PurposeCatalog, at = T0) {
  await appendDecisions(
    store,
    customerId,
    [decision({ purposeId, state: 'granted', actor: { id: customerId, role: 'customer' } })],
    { id: customerId, role: 'customer' },
    at,
    catalog,
  )
}

describe('voidedVersions', () => {
  it('names the versions older than the newest required one, every version of a retired purpose', () => {
    expect(voidedVersions(DEFAULT_CATALOG)).toEqual([])
    expect(voidedVersions(catalogWith(1, 'prompt'))).toEqual([])
    expect(voidedVersions(catalogWith(1, 'required', 'partner-sharing'))).toEqual([
      { purposeId: 'marketing-push', versions: ['1.0'] },
      { purposeId: 'partner-sharing', versions: null },
    ])
  })
})

function sweeperTests(
  name: string,
  make: () => Promise<{ open: () => Store; cleanup: () => Promise<void> }>,
) {
  describe(`sweeper (${name})`, () => {
    it('withdraws expired, re-consent-voided and retired grants once, each with its consent.changed', async () => {
      const f = await make()
      onTestFinished(f.cleanup)
      const store = f.open()
      await store.migrate()
      const before = catalogWith(30)
      await grant(store, 'C-0001', 'marketing-sms', before)
      await grant(store, 'C-0002', 'marketing-sms', before, new Date(Date.parse(T0) + 20 * DAY).toISOString())
      await grant(store, 'C-0003', 'marketing-push', before)
      await grant(store, 'C-0004', 'partner-sharing', before)
      const head = await store.outboxHead()
      const after = catalogWith(30, 'required', 'partner-sharing')
      const now = () => Date.parse(T0) + 31 * DAY
      // Two instances at once: each row changes once.
      const [one, other] = await Promise.all([
        sweepOnce({ store, catalog: { current: () => after }, now }),
        sweepOnce({ store: f.open(), catalog: { current: () => after }, now }),
      ])
      expect(one + other).toBe(3)
      const events = await store.readOutbox(head, 100)
      expect(events.map((e) => [e.customerId, e.type, e.data.reason]).sort()).toEqual([
        ['C-0001', 'consent.changed', 'expiry'],
        ['C-0003', 'consent.changed', 'reconsent-required'],
        ['C-0004', 'consent.changed', 'retired'],
      ])
      expect(events.map((e) => e.seq)).toEqual([head + 1, head + 2, head + 3])
      expect(events[0]?.data).toMatchObject({
        previousEffectiveState: 'granted',
        effectiveState: 'withdrawn',
      })
      const [sms1, sms2] = [
        ...(await store.consentStates('marketing-sms', ['C-0001'])),
        ...(await store.consentStates('marketing-sms', ['C-0002'])),
      ]
      expect(sms1).toMatchObject({ state: 'granted', effectiveState: 'withdrawn' })
      expect(sms2).toMatchObject({ state: 'granted', effectiveState: 'granted' })
      expect(await sweepOnce({ store, catalog: { current: () => after }, now })).toBe(0)
    })
  })
}

sweeperTests('sqlite', sqliteStores)
describe.skipIf(!services.ok)('postgres', () => sweeperTests('postgres', async () => postgresStores()))
