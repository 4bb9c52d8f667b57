/**
 * Webhook delivery by two `consent-sync serve` instances sharing PostgreSQL (and Redis): one is
 * killed with SIGKILL while it holds deliveries in flight; the other takes them over once their
 * lease runs out. Every event is delivered, and no event is attempted by two instances at once.
 */
import { describe, expect, it } from 'vitest'
import { type ChildServer, startChildServer } from '../testing/child-server'
import { stockClient, trackDurable } from '../testing/clients'
import { decideAs } from '../testing/decisions'
import { afterTest } from '../testing/per-test'
import { dropSchema, freshSchema, POSTGRES_URL, REDIS_URL, scaleOutServices } from '../testing/services'
import { until } from '../testing/until'
import { startWebhookReceiver } from '../testing/webhook-receiver'

const services = await scaleOutServices({ skipping: 'the webhook scale-out test' })

describe.skipIf(!services.ok)('webhooks from two PostgreSQL instances', () => {
  it('delivers everything when the instance holding deliveries is killed, one instance per event at a time', async () => {
    const schema = freshSchema('cs_webhooks')
    afterTest(() => dropSchema(schema))
    const env = {
      STORE: 'postgres',
      DATABASE_URL: POSTGRES_URL,
      DATABASE_SCHEMA: schema,
      REDIS_URL,
      REDIS_CHANNEL: `consent-sync:${schema}`,
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      WEBHOOK_RETRY_SCHEDULE: '0,1,1,1,1,1,1,1',
      WEBHOOK_POLL_INTERVAL_MS: '100',
      WEBHOOK_TIMEOUT_MS: '3000',
      WEBHOOK_LEASE_MS: '4000',
    }
    const children: ChildServer[] = []
    afterTest(async () => {
      for (const c of children) await c.stop('SIGKILL')
    })
    const start = async () => {
      const c = await startChildServer('unused.sqlite', env)
      children.push(c)
      return c
    }
    let paused = true
    const receiver = await startWebhookReceiver(() => (paused ? 'hang' : 200))
    afterTest(() => receiver.close())

    const a = await start()
    const admin = await a.login('admin1')
    const res = await fetch(`${a.httpUrl}/api/admin/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url, events: ['decision.accepted'] }),
    })
    expect(res.status).toBe(201)
    const { id: endpointId } = (await res.json()) as { id: string }

    // Two decisions for each of three customers, stored through instance A.
    const token = await a.login('csr1')
    const made: string[] = []
    for (const customerId of ['C-0001', 'C-0002', 'C-0003']) {
      const client = stockClient(a.syncUrl, customerId, token, undefined, { acks: true })
      const durable = trackDurable(client.provider)
      afterTest(() => client.destroy())
      await client.synced()
      for (const purpose of ['marketing-sms', 'marketing-email'])
        made.push(
          decideAs(client.doc, { id: 'csr1', role: 'csr' }, purpose, 'granted', { evidence: 'call' }).id,
        )
      await until(() => durable.saved(), 10_000, `${customerId} durable`)
    }
    // A holds the first delivery of each customer in flight.
    await until(() => receiver.openNow() === 3, 10_000, 'three deliveries in flight at A')
    const b = await start()
    expect(b.exit).toBeNull()
    expect(await a.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' })
    paused = false

    const decisionOf = (body: string) =>
      (JSON.parse(body) as { data: { decisionId?: string } }).data.decisionId
    await until(
      () => {
        const got = new Set(
          receiver.received.filter((h) => receiver.delivered.includes(h.id)).map((h) => decisionOf(h.body)),
        )
        return made.every((d) => got.has(d))
      },
      30_000,
      'every decision delivered by B',
    )
    expect(receiver.ids()).toHaveLength(made.length)
    for (const [id, most] of receiver.mostAtOnce) expect(most, `attempts of ${id} at once`).toBe(1)

    const listed = await fetch(`${b.httpUrl}/api/admin/webhooks/${endpointId}/deliveries?status=delivered`, {
      headers: { authorization: `Bearer ${await b.login('admin1')}` },
    })
    expect(((await listed.json()) as { deliveries: unknown[] }).deliveries).toHaveLength(made.length)
  }, 90_000)
})
