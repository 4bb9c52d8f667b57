import { describe, expect, it, onTestFinished } from 'vitest'
import { scaleOutServices } from '../testing/services'
import { postgresStores } from '../testing/stores'
import type { AdminRecord } from './catalog-store'
import type { NewDelivery, WebhookEndpointRow } from './webhook-store'

const services = await scaleOutServices({ redis: false, skipping: 'the PostgreSQL webhook store tests' })

const ADMIN: AdminRecord = {
  action: 'webhook.create',
  target: 'webhook:whep_1',
  actorId: 'admin1',
  actorRole: 'admin',
  at: '2026-01-01T00:00:00.000Z',
  details: {},
}

const endpoint: WebhookEndpointRow = {
  id: 'whep_1',
  url: 'https://hooks.example/a',
  events: ['decision.accepted'],
  purposeIds: null,
  enabled: true,
  disabledReason: null,
  secretSealed: 'k:sealed',
  previousSecretSealed: null,
  previousSecretUntil: null,
  createdAt: ADMIN.at,
  updatedAt: ADMIN.at,
}

const delivery = (seq: number, customer: string): NewDelivery => ({
  eventId: `evt_${seq}`,
  seq,
  eventType: 'decision.accepted',
  orderKey: customer,
  createdAt: new Date(1_700_000_000_000 + seq).toISOString(),
  payload: '{}',
  dueAtMs: 0,
})

/** Two instances' stores on one fresh schema, each with a pool of its own. */
async function setup() {
  const fixture = postgresStores()
  onTestFinished(fixture.cleanup)
  const [a, b] = [fixture.open(), fixture.open()]
  await Promise.all([a.migrate(), b.migrate()])
  await a.saveWebhookEndpoint(endpoint, ADMIN, 0)
  return { a, b }
}

describe.skipIf(!services.ok)('postgres webhook store', () => {
  it('moves a cursor once when two instances enqueue at once', async () => {
    const { a, b } = await setup()
    const made = [delivery(1, 'C-1'), delivery(2, 'C-2')]
    const results = await Promise.all([
      a.enqueueWebhookDeliveries('whep_1', 0, 2, made),
      b.enqueueWebhookDeliveries('whep_1', 0, 2, made),
    ])
    expect(results.filter(Boolean)).toHaveLength(1)
    expect(await a.webhookCursor('whep_1')).toBe(2)
    expect(await a.listWebhookDeliveries('whep_1', { limit: 10 })).toHaveLength(2)
    expect(await b.enqueueWebhookDeliveries('whep_1', 0, 2, made)).toBe(false)
  })

  it('leases each delivery to one instance at a time, first of its customer only, and takes over a lapsed lease', async () => {
    const { a, b } = await setup()
    const made = Array.from({ length: 20 }, (_, i) => delivery(i + 1, `C-${i % 10}`))
    await a.enqueueWebhookDeliveries('whep_1', 0, 20, made)
    const now = Date.now()
    const [fromA, fromB] = await Promise.all([
      a.claimWebhookDeliveries('whep_1', { nowMs: now, owner: 'A', leaseUntilMs: now + 60_000, limit: 8 }),
      b.claimWebhookDeliveries('whep_1', { nowMs: now, owner: 'B', leaseUntilMs: now + 120_000, limit: 8 }),
    ])
    const ids = [...fromA, ...fromB].map((d) => d.eventId)
    expect(new Set(ids).size).toBe(ids.length)
    // Only the first event of each of the 10 customers is due: evt_1 … evt_10.
    expect(ids.length).toBe(10)
    expect(Math.max(...[...fromA, ...fromB].map((d) => d.seq))).toBe(10)
    expect(
      await b.claimWebhookDeliveries('whep_1', { nowMs: now, owner: 'B', leaseUntilMs: now + 1, limit: 20 }),
    ).toEqual([])

    // A's leases run out: B takes them over, and A's late result is dropped.
    const later = now + 61_000
    const taken = await b.claimWebhookDeliveries('whep_1', {
      nowMs: later,
      owner: 'B',
      leaseUntilMs: later + 60_000,
      limit: 20,
    })
    expect(new Set(taken.map((d) => d.eventId))).toEqual(new Set(fromA.map((d) => d.eventId)))
    const first = fromA[0]
    if (first) {
      const late = {
        endpointId: 'whep_1',
        eventId: first.eventId,
        attempt: 1,
        at: ADMIN.at,
        status: 200,
        error: null,
      }
      expect(await a.recordWebhookAttempt({ ...late, leaseOwner: 'A', outcome: 'delivered' })).toBe(false)
      expect(await b.recordWebhookAttempt({ ...late, leaseOwner: 'B', outcome: 'delivered' })).toBe(true)
    }
  })

  it('chains endpoint changes onto the admin log and removes deliveries with their endpoint', async () => {
    const { a, b } = await setup()
    await a.enqueueWebhookDeliveries('whep_1', 0, 1, [delivery(1, 'C-1')])
    const entries = await Promise.all([
      a.saveWebhookEndpoint({ ...endpoint, enabled: false }, { ...ADMIN, action: 'webhook.update' }, 0),
      b.deleteWebhookEndpoint('whep_1', { ...ADMIN, action: 'webhook.delete' }),
    ])
    expect(entries.map((e) => e?.seq).sort()).toEqual([2, 3])
    expect(await a.listWebhookDeliveries('whep_1', { limit: 10 })).toEqual([])
  })
})
