import { lookup } from 'node:dns/promises'
import { hostname } from 'node:os'
import { afterEach, describe, expect, it } from 'vitest'
import { stockClient } from '../testing/clients'
import { decideAs } from '../testing/decisions'
import { ADMIN, CSR_1, startTestServer, type TestServer } from '../testing/server'
import { until } from '../testing/until'
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver'
import { verifyWebhook } from '../webhooks/signing'

const cleanups: (() => Promise<unknown> | unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const FAST = {
  WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  WEBHOOK_RETRY_SCHEDULE: '0,1,1',
  WEBHOOK_POLL_INTERVAL_MS: '50',
  WEBHOOK_TIMEOUT_MS: '500',
}

async function setup(env: Record<string, string> = FAST) {
  const server = await startTestServer({ env })
  cleanups.push(() => server.cleanup())
  const admin = server.token(ADMIN)
  const call = (method: string, path: string, body?: unknown, token = admin) =>
    fetch(server.url(path), {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  const receiver = async (...args: Parameters<typeof startWebhookReceiver>) => {
    const r = await startWebhookReceiver(...args)
    cleanups.push(() => r.close())
    return r
  }
  const register = async (r: WebhookReceiver, extra: object = {}) => {
    const res = await call('POST', '/api/admin/webhooks', {
      url: r.url,
      events: ['decision.accepted'],
      ...extra,
    })
    expect(res.status).toBe(201)
    return (await res.json()) as { id: string; secret: string }
  }
  return { server, admin, call, receiver, register }
}

/** A decision by an agent through the stock y-websocket client, as the desk makes it. */
async function decideThroughSync(server: TestServer, purposeId = 'marketing-sms') {
  const client = stockClient(server.syncUrl, 'C-0001', server.token(CSR_1))
  cleanups.push(() => client.destroy())
  await client.synced()
  return decideAs(client.doc, CSR_1, purposeId, 'granted', { evidence: 'call 1' })
}

describe('admin webhook endpoints', () => {
  it('registers, lists, changes, rotates and removes an endpoint, each in the admin log, never showing a secret again', async () => {
    const t = await setup()
    const r = await t.receiver()
    const made = await t.register(r, { purposeIds: ['marketing-sms'] })
    expect(made.id).toMatch(/^whep_/)
    expect(made.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/)

    const list = await (await t.call('GET', '/api/admin/webhooks')).json()
    expect(list.endpoints).toEqual([expect.objectContaining({ id: made.id, url: r.url, enabled: true })])
    expect(JSON.stringify(list)).not.toContain(made.secret.slice(6))

    const patched = await t.call('PATCH', `/api/admin/webhooks/${made.id}`, {
      enabled: false,
      purposeIds: null,
    })
    expect(patched.status).toBe(200)
    expect((await patched.json()).endpoint).toMatchObject({ enabled: false, disabledReason: 'admin' })

    const rotated = await t.call('POST', `/api/admin/webhooks/${made.id}/rotate-secret`)
    const next = await rotated.json()
    expect(next.secret).toMatch(/^whsec_/)
    expect(next.secret).not.toBe(made.secret)
    expect(Date.parse(next.endpoint.previousSecretUntil) - Date.now()).toBeGreaterThan(23 * 3600 * 1000)

    expect((await t.call('DELETE', `/api/admin/webhooks/${made.id}`)).status).toBe(204)
    expect((await t.call('GET', `/api/admin/webhooks/${made.id}`)).status).toBe(404)
    expect((await t.call('DELETE', `/api/admin/webhooks/${made.id}`)).status).toBe(404)

    const log = (await (await t.call('GET', '/api/admin/audit')).json()).entries
    const ours = log.filter((e: { target: string }) => e.target === `webhook:${made.id}`)
    expect(ours.map((e: { action: string }) => e.action)).toEqual([
      'webhook.create',
      'webhook.update',
      'webhook.rotate-secret',
      'webhook.delete',
    ])
    expect(JSON.stringify(log)).not.toContain(made.secret.slice(6))
  })

  it('lets only admins change endpoints', async () => {
    const t = await setup()
    const agent = t.server.token(CSR_1)
    const res = await t.call(
      'POST',
      '/api/admin/webhooks',
      { url: 'https://hooks.example/x', events: ['consent.changed'] },
      agent,
    )
    expect(res.status).toBe(403)
    expect((await t.call('GET', '/api/admin/webhooks', undefined, agent)).status).toBe(403)
  })

  it('refuses loopback, private, link-local and unknown event targets, naming the field', async () => {
    const t = await setup({ ...FAST, WEBHOOK_ALLOWED_HOSTS: '' })
    const refused = [
      'http://127.0.0.1:9/h',
      'http://10.0.0.8/h',
      'http://169.254.169.254/latest',
      'http://[::1]:9/h',
      'http://localhost:9/h',
    ]
    // A name (other than localhost) that this machine resolves to loopback, when it has one.
    const own = hostname()
    if ((await lookup(own).catch(() => ({ address: '' }))).address.startsWith('127.'))
      refused.push(`http://${own}:9/h`)
    for (const url of refused) {
      const res = await t.call('POST', '/api/admin/webhooks', { url, events: ['decision.accepted'] })
      expect(res.status, url).toBe(400)
      expect(await res.json()).toMatchObject({ error: 'bad-request', field: 'url' })
    }
    const bad = await t.call('POST', '/api/admin/webhooks', {
      url: 'https://hooks.example/x',
      events: ['decision.made'],
    })
    expect(bad.status).toBe(400)
    expect((await (await t.call('GET', '/api/admin/webhooks')).json()).endpoints).toEqual([])
  })
})

describe('webhook delivery end to end', () => {
  it('sends a decision made through a real sync client to the receiver, signed', async () => {
    const t = await setup()
    const r = await t.receiver()
    const { id, secret } = await t.register(r)
    const d = await decideThroughSync(t.server)
    const [hook] = await until(() => (r.received.length > 0 ? r.received : null), 5000, 'the delivery')
    if (!hook) throw new Error('no delivery')
    const headers = {
      'webhook-id': hook.id,
      'webhook-timestamp': hook.timestamp,
      'webhook-signature': hook.signature,
    }
    expect(verifyWebhook(secret, headers, hook.body)).toEqual({ ok: true })
    const body = JSON.parse(hook.body)
    expect(body).toMatchObject({ type: 'decision.accepted', id: hook.id })
    expect(body.data).toMatchObject({ customerId: 'C-0001', purposeId: 'marketing-sms', decisionId: d.id })
    const listed = await until(async () => {
      const res = await (await t.call('GET', `/api/admin/webhooks/${id}/deliveries?status=delivered`)).json()
      return res.deliveries.length === 1 ? res.deliveries : null
    })
    expect(listed[0]).toMatchObject({ eventId: hook.id, status: 'delivered', attempts: 1, lastStatus: 200 })
    const metrics = await (await fetch(t.server.url('/metrics'))).text()
    expect(metrics).toContain(`consent_sync_webhook_attempts_total{endpoint="${id}",outcome="delivered"} 1`)
    expect(metrics).toContain(`consent_sync_webhook_oldest_undelivered_seconds{endpoint="${id}"}`)
  })

  it('shows a dead delivery and replays it one by one and since a time', async () => {
    const t = await setup()
    const r = await t.receiver(() => 500)
    const { id } = await t.register(r)
    await decideThroughSync(t.server)
    const [dead] = await until(
      async () => {
        const res = await (await t.call('GET', `/api/admin/webhooks/${id}/deliveries?status=dead`)).json()
        return res.deliveries.length === 1 ? res.deliveries : null
      },
      8000,
      'dead',
    )
    expect(dead).toMatchObject({ attempts: 3, lastStatus: 500, status: 'dead' })
    expect(r.received).toHaveLength(3)

    r.answerWith(() => 200)
    const one = await t.call('POST', `/api/admin/webhooks/${id}/deliveries/${dead.eventId}/replay`)
    expect(one.status).toBe(202)
    await until(() => r.received.length === 4, 5000, 'the replay')
    expect(r.received[3]?.id).toBe(dead.eventId)
    await until(async () => {
      const res = await (await t.call('GET', `/api/admin/webhooks/${id}/deliveries?status=delivered`)).json()
      return res.deliveries.length === 1
    })
    expect((await t.call('POST', `/api/admin/webhooks/${id}/deliveries/evt_none/replay`)).status).toBe(404)

    const since = await t.call('POST', `/api/admin/webhooks/${id}/replay`, { since: '2000-01-01T00:00:00Z' })
    expect(since.status).toBe(202)
    expect(await since.json()).toEqual({ count: 1 })
    await until(() => r.received.length === 5, 5000, 'the replay since')
    const badSince = await t.call('POST', `/api/admin/webhooks/${id}/replay`, { since: 'yesterday' })
    expect(badSince.status).toBe(400)
    expect(await badSince.json()).toMatchObject({ field: 'since' })
  })

  it('shows an endpoint that answered 410 as disabled, gone', async () => {
    const t = await setup()
    const r = await t.receiver(() => 410)
    const { id } = await t.register(r)
    await decideThroughSync(t.server)
    const shown = await until(
      async () => {
        const e = (await (await t.call('GET', `/api/admin/webhooks/${id}`)).json()).endpoint
        return e.enabled ? null : e
      },
      5000,
      'disabled',
    )
    expect(shown).toMatchObject({ enabled: false, disabledReason: 'gone' })
    expect(r.received).toHaveLength(1)
  })
})
