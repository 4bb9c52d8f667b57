import { describe, expect, it } from 'vitest'
import { verifyAdminChain } from '../../audit/admin-chain'
import type { AdminRecord, CatalogStore } from '../catalog-store'
import type { StoreLifecycle } from '../store'
import type { NewDelivery, WebhookEndpointRow, WebhookStore } from '../webhook-store'
import { fixtures, type MakeStore } from './fixture'

export type WebhookSubject = StoreLifecycle & WebhookStore & Pick<CatalogStore, 'adminLog'>

const AT = '2026-11-02T08:00:00.000Z'
const admin = (action: string): AdminRecord => ({
  action,
  target: 'webhook:whep_1',
  actorId: 'admin1',
  actorRole: 'admin',
  at: AT,
  details: { action },
})

const endpoint = (over: Partial<WebhookEndpointRow> = {}): WebhookEndpointRow => ({
  id: 'whep_1',
  url: 'https://hooks.example/a?token=x',
  events: ['decision.accepted', 'consent.changed'],
  purposeIds: ['marketing-sms'],
  enabled: true,
  disabledReason: null,
  secretSealed: 'key1:c2VhbGVk',
  previousSecretSealed: null,
  previousSecretUntil: null,
  createdAt: AT,
  updatedAt: AT,
  ...over,
})

const delivery = (seq: number, orderKey: string, dueAtMs = 0): NewDelivery => ({
  eventId: `evt_${seq}`,
  seq,
  eventType: 'decision.accepted',
  orderKey,
  createdAt: new Date(Date.parse(AT) + seq * 1000).toISOString(),
  payload: `{"seq":${seq},"text":"ශ්\u200dරී"}`,
  dueAtMs,
})

/** Webhook endpoints and deliveries (store/webhook-store.ts): every adapter, the same answers. */
export function runWebhookTests(makeStore: MakeStore<WebhookSubject>): void {
  const { setup } = fixtures(makeStore)
  const claim = (s: WebhookSubject, owner: string, nowMs = 1000, limit = 10) =>
    s.claimWebhookDeliveries('whep_1', { nowMs, owner, leaseUntilMs: nowMs + 5000, limit })
  const attempt = (eventId: string, owner: string, n = 1) => ({
    endpointId: 'whep_1',
    eventId,
    leaseOwner: owner,
    attempt: n,
    at: AT,
    status: 500,
    error: 'answered 500',
  })

  describe('webhooks', () => {
    it('stores an endpoint as given, keeps its cursor through changes, and chains each change onto the admin log', async () => {
      const s = await setup()
      await s.saveWebhookEndpoint(endpoint(), admin('webhook.create'), 7)
      expect(await s.getWebhookEndpoint('whep_1')).toEqual(endpoint())
      expect(await s.webhookCursor('whep_1')).toBe(7)
      const changed = endpoint({
        enabled: false,
        disabledReason: 'gone',
        purposeIds: null,
        updatedAt: '2026-11-02T09:00:00.000Z',
      })
      await s.saveWebhookEndpoint(changed, admin('webhook.update'), 0)
      expect(await s.listWebhookEndpoints()).toEqual([changed])
      expect(await s.webhookCursor('whep_1')).toBe(7)
      const log = await s.adminLog()
      expect(log.map((e) => e.action)).toEqual(['webhook.create', 'webhook.update'])
      expect(verifyAdminChain(log).ok).toBe(true)
    })

    it('moves the cursor only from where it stands, and keeps a delivery stored once', async () => {
      const s = await setup()
      await s.saveWebhookEndpoint(endpoint(), admin('webhook.create'), 0)
      expect(await s.enqueueWebhookDeliveries('whep_1', 1, 2, [delivery(2, 'C-1')])).toBe(false)
      expect(await s.enqueueWebhookDeliveries('whep_1', 0, 2, [delivery(1, 'C-1'), delivery(2, 'C-1')])).toBe(
        true,
      )
      expect(await s.enqueueWebhookDeliveries('whep_1', 2, 3, [delivery(2, 'C-1')])).toBe(true)
      const list = await s.listWebhookDeliveries('whep_1', { limit: 10 })
      expect(list.map((d) => d.eventId)).toEqual(['evt_2', 'evt_1'])
      expect(list[1]).toMatchObject({
        ...delivery(1, 'C-1'),
        status: 'pending',
        attempts: 0,
        leaseOwner: null,
      })
      expect(await s.webhookCursor('whep_1')).toBe(3)
    })

    it('leases the first due delivery of each customer once, and drops a result under a lease not its own', async () => {
      const s = await setup()
      await s.saveWebhookEndpoint(endpoint(), admin('webhook.create'), 0)
      await s.enqueueWebhookDeliveries('whep_1', 0, 4, [
        delivery(1, 'C-1'),
        delivery(2, 'C-1'),
        delivery(3, 'C-2'),
        delivery(4, 'C-3', 9_999_999),
      ])
      const taken = await claim(s, 'A')
      expect(taken.map((d) => d.eventId)).toEqual(['evt_1', 'evt_3'])
      expect(taken[0]).toMatchObject({ leaseOwner: 'A', leaseUntilMs: 6000 })
      expect(await claim(s, 'B')).toEqual([])
      expect(await s.recordWebhookAttempt({ ...attempt('evt_1', 'B'), outcome: 'delivered' })).toBe(false)
      expect(
        await s.recordWebhookAttempt({
          ...attempt('evt_1', 'A'),
          status: 204,
          error: null,
          outcome: 'delivered',
        }),
      ).toBe(true)
      // C-1's next one is first now; C-2's lease runs out at 6000 and B takes it over.
      expect((await claim(s, 'B', 7000)).map((d) => d.eventId)).toEqual(['evt_2', 'evt_3'])
      const [done] = await s.listWebhookDeliveries('whep_1', { status: 'delivered', limit: 10 })
      expect(done).toMatchObject({
        eventId: 'evt_1',
        attempts: 1,
        lastStatus: 204,
        deliveredAt: AT,
        leaseOwner: null,
      })
    })

    it('retries when due, dead-letters, replays one or since a time, and leases nothing of a disabled endpoint', async () => {
      const s = await setup()
      await s.saveWebhookEndpoint(endpoint(), admin('webhook.create'), 0)
      await s.enqueueWebhookDeliveries('whep_1', 0, 2, [delivery(1, 'C-1'), delivery(2, 'C-2')])
      await claim(s, 'A')
      await s.recordWebhookAttempt({ ...attempt('evt_1', 'A'), outcome: 'retry', nextAtMs: 50_000 })
      await s.recordWebhookAttempt({ ...attempt('evt_2', 'A'), outcome: 'dead' })
      expect(await claim(s, 'A', 49_999)).toEqual([])
      expect(await s.webhookBacklog()).toEqual([
        { endpointId: 'whep_1', oldestCreatedAt: delivery(1, 'C-1').createdAt },
      ])
      expect(
        (await s.listWebhookDeliveries('whep_1', { status: 'dead', limit: 10 })).map((d) => d.eventId),
      ).toEqual(['evt_2'])

      const one = await s.replayWebhookDeliveries(
        'whep_1',
        { eventId: 'evt_2' },
        1000,
        admin('webhook.replay'),
      )
      expect(one.count).toBe(1)
      expect(one.entry.details).toMatchObject({ count: 1 })
      expect(
        await s.replayWebhookDeliveries('whep_1', { eventId: 'evt_2' }, 1000, admin('webhook.replay')),
      ).toMatchObject({ count: 0 })
      expect((await claim(s, 'A', 1000)).map((d) => [d.eventId, d.attempts])).toEqual([['evt_2', 0]])
      await s.recordWebhookAttempt({ ...attempt('evt_2', 'A'), outcome: 'dead' })
      const since = await s.replayWebhookDeliveries(
        'whep_1',
        { since: delivery(2, 'C-2').createdAt },
        1000,
        admin('webhook.replay'),
      )
      expect(since.count).toBe(1)

      await s.saveWebhookEndpoint(
        endpoint({ enabled: false, disabledReason: 'admin' }),
        admin('webhook.update'),
        0,
      )
      expect(await claim(s, 'A', 60_000)).toEqual([])
      expect(await s.deleteWebhookEndpoint('whep_1', admin('webhook.delete'))).toMatchObject({
        action: 'webhook.delete',
      })
      expect(await s.deleteWebhookEndpoint('whep_1', admin('webhook.delete'))).toBeUndefined()
      expect(await s.listWebhookDeliveries('whep_1', { limit: 10 })).toEqual([])
      expect(verifyAdminChain(await s.adminLog()).ok).toBe(true)
    })
  })
}
