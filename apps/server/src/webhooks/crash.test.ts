/**
 * Webhook delivery through a server killed with SIGKILL (a real `consent-sync serve` child
 * process): every stored decision's event reaches the receiver after the restart, at least once,
 * and exactly once per decision after dropping repeats by webhook-id.
 */
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { type ChildServer, startChildServer } from '../testing/child-server'
import { stockClient, trackDurable } from '../testing/clients'
import { decideAs } from '../testing/decisions'
import { afterTest, tempDir } from '../testing/per-test'
import { until } from '../testing/until'
import { startWebhookReceiver } from '../testing/webhook-receiver'

const ENV = {
  WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  WEBHOOK_RETRY_SCHEDULE: '0,1,1,1,1,1',
  WEBHOOK_POLL_INTERVAL_MS: '50',
  WEBHOOK_TIMEOUT_MS: '5000',
}

describe('webhooks across a SIGKILL', () => {
  it('delivers every decision stored before the kill after the restart, once per decision after dedup', async () => {
    const dir = await tempDir('consent-webhook-crash-')
    const databasePath = path.join(dir, 'db.sqlite')
    const children: ChildServer[] = []
    afterTest(async () => {
      for (const c of children) await c.stop('SIGKILL')
    })
    const start = async () => {
      const c = await startChildServer(databasePath, ENV)
      children.push(c)
      return c
    }
    let paused = true
    const receiver = await startWebhookReceiver(() => (paused ? 'hang' : 200))
    afterTest(() => receiver.close())

    const first = await start()
    const admin = await first.login('admin1')
    const res = await fetch(`${first.httpUrl}/api/admin/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url, events: ['decision.accepted'] }),
    })
    expect(res.status).toBe(201)

    const agent = stockClient(first.syncUrl, 'C-0001', await first.login('csr1'), undefined, { acks: true })
    const durable = trackDurable(agent.provider)
    afterTest(() => agent.destroy())
    await agent.synced()
    const purposes = ['marketing-sms', 'marketing-email', 'usage-analytics', 'marketing-sms']
    const made = purposes.map((p, i) =>
      decideAs(agent.doc, { id: 'csr1', role: 'csr' }, p, i % 2 ? 'withdrawn' : 'granted', {
        evidence: `call ${i}`,
      }),
    )
    await until(() => durable.saved(), 10_000, 'the decisions durable')
    // The first delivery is in flight (the receiver holds it), the rest wait behind it in order.
    await until(() => receiver.received.length >= 1, 10_000, 'a delivery in flight')

    expect(await first.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' })
    paused = false
    await start()

    const decisionOf = (body: string) =>
      (JSON.parse(body) as { data: { decisionId?: string } }).data.decisionId
    await until(
      () => {
        const got = new Set(
          receiver.received.filter((h) => receiver.delivered.includes(h.id)).map((h) => decisionOf(h.body)),
        )
        return made.every((d) => got.has(d.id))
      },
      20_000,
      'every decision delivered after the restart',
    )
    // After dropping repeats by webhook-id, one event per decision, in the order they were made.
    const firstOfEach = new Map<string, string | undefined>()
    for (const h of receiver.received) if (!firstOfEach.has(h.id)) firstOfEach.set(h.id, decisionOf(h.body))
    expect([...firstOfEach.values()]).toEqual(made.map((d) => d.id))
    // The one in flight at the kill came again with the same webhook-id.
    const [inFlight] = receiver.received
    expect(receiver.received.filter((h) => h.id === inFlight?.id).length).toBeGreaterThanOrEqual(2)
  }, 60_000)
})
