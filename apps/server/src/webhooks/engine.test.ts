import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Registry } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../config'
import { createWebhookMetrics } from '../metrics/webhook-metrics'
import type { OutboxEvent, OutboxStore } from '../store/outbox'
import { sqliteCatalogReads } from '../store/sqlite-catalog'
import { openSqlite } from '../store/sqlite-open'
import { migrateSqlite } from '../store/sqlite-schema'
import { sqliteWebhookReads, sqliteWebhookWrites, webhookWriteMethods } from '../store/sqlite-webhooks'
import type { WebhookEndpointRow } from '../store/webhook-store'
import { until } from '../testing/until'
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver'
import { createEndpoint, type EndpointDeps, replayDeliveries, rotateSecret } from './endpoints'
import { startWebhookEngine, type WebhookEngine } from './engine'
import { createSecretBox } from './secret-box'
import { verifyWebhook } from './signing'

const ADMIN = { id: 'admin1', role: 'admin' }

/** The outbox as the interface promises it (store/outbox.ts), in memory. */
function memoryOutbox(): OutboxStore & {
  add(e: Omit<OutboxEvent, 'seq' | 'id' | 'createdAt'> & { id?: string }): OutboxEvent
} {
  const events: OutboxEvent[] = []
  const add = (e: Omit<OutboxEvent, 'seq' | 'id' | 'createdAt'> & { id?: string }) => {
    const seq = events.length + 1
    const event: OutboxEvent = { ...e, seq, id: e.id ?? `evt_${seq}`, createdAt: new Date().toISOString() }
    events.push(event)
    return event
  }
  return {
    add,
    readOutbox: async (afterSeq, limit) => events.filter((e) => e.seq > afterSeq).slice(0, limit),
    outboxHead: async () => events.length,
    appendEvents: async (list) => {
      for (const e of list) if (!events.some((x) => x.id === e.id)) add(e)
      return list.length
    },
  }
}

const decision = (customerId: string, purposeId = 'marketing-sms') => ({
  type: 'decision.accepted' as const,
  customerId,
  purposeId,
  data: { customerId, purposeId, state: 'granted', effectiveState: 'granted' },
})

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function setup(env: Record<string, string> = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'consent-webhooks-'))
  const file = path.join(dir, 'consent.db')
  const db = openSqlite({ path: file })
  migrateSqlite(db, file)
  const writes = sqliteWebhookWrites(db)
  const store = {
    ...sqliteWebhookReads(db),
    ...webhookWriteMethods(async (op) => writes(op)),
    adminLog: sqliteCatalogReads(db).adminLog,
  }
  const outbox = memoryOutbox()
  const config = loadConfig({
    WEBHOOK_RETRY_SCHEDULE: '0,1,1',
    WEBHOOK_TIMEOUT_MS: '400',
    WEBHOOK_POLL_INTERVAL_MS: '50',
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    ...env,
  }).webhooks
  const box = createSecretBox(config.secretKey, config.previousSecretKeys)
  const registry = new Registry()
  const metrics = createWebhookMetrics(registry)
  const deps: EndpointDeps = {
    store,
    outbox,
    box,
    policy: config,
    rotationOverlapSeconds: config.rotationOverlapSeconds,
    now: Date.now,
  }
  let engine: WebhookEngine | null = null
  const start = () => {
    engine = startWebhookEngine({
      store,
      outbox,
      config,
      box,
      metrics,
      log: { warn: () => {}, error: () => {} },
      now: Date.now,
      singleServer: true,
    })
    return engine
  }
  cleanups.push(async () => {
    await engine?.stop()
    db.close()
    await rm(dir, { recursive: true, force: true })
  })
  const receiver = async (...args: Parameters<typeof startWebhookReceiver>) => {
    const r = await startWebhookReceiver(...args)
    cleanups.push(() => r.close())
    return r
  }
  const register = async (r: WebhookReceiver, extra: { purposeIds?: string[] } = {}) => {
    const made = await createEndpoint(deps, { url: r.url, events: ['decision.accepted'], ...extra }, ADMIN)
    if (!made.ok) throw new Error(made.problem.message)
    return { id: made.endpoint.id, secret: made.secret as string }
  }
  return { db, file, store, outbox, config, deps, registry, metrics, start, receiver, register }
}

const verified = (secret: string, hook: { id: string; timestamp: string; signature: string; body: string }) =>
  verifyWebhook(
    secret,
    { 'webhook-id': hook.id, 'webhook-timestamp': hook.timestamp, 'webhook-signature': hook.signature },
    hook.body,
  ).ok

describe('webhook delivery', () => {
  it('looks for endpoints once a poll while none is registered, not once a decision; one registered here at once', async () => {
    // A poll far longer than the test: every look below is a kick's.
    const t = await setup({ WEBHOOK_POLL_INTERVAL_MS: '30000' })
    let looks = 0
    const list = t.store.listWebhookEndpoints
    t.store.listWebhookEndpoints = () => {
      looks++
      return list()
    }
    const engine = t.start()
    await until(() => looks === 1, 5000, 'the first pass')
    for (let i = 0; i < 50; i++) {
      t.outbox.add(decision(`C-${i}`))
      engine.kick()
      await new Promise((r) => setImmediate(r))
    }
    await new Promise((r) => setTimeout(r, 100))
    expect(looks).toBe(1)
    const r = await t.receiver(() => 204)
    await t.register(r)
    engine.endpointsChanged()
    const event = t.outbox.add(decision('C-after'))
    engine.kick()
    await until(
      () => r.received.some((h) => h.id === event.id),
      5000,
      'the event after the endpoint was registered',
    )
  })

  it('retries a receiver that fails twice: three attempts, one webhook-id, every signature good', async () => {
    const t = await setup()
    const r = await t.receiver((_, n) => (n <= 2 ? 500 : 204))
    const { id, secret } = await t.register(r)
    const event = t.outbox.add(decision('C-1'))
    t.start()
    await until(() => r.received.length === 3, 8000, 'three attempts')
    expect(r.received.map((h) => h.id)).toEqual([event.id, event.id, event.id])
    for (const h of r.received) expect(verified(secret, h)).toBe(true)
    expect(JSON.parse(r.received[0]?.body ?? '')).toEqual({
      type: 'decision.accepted',
      id: event.id,
      timestamp: event.createdAt,
      data: event.data,
    })
    const [d] = await until(async () => {
      const list = await t.store.listWebhookDeliveries(id, { status: 'delivered', limit: 10 })
      return list.length === 1 ? list : null
    })
    expect(d).toMatchObject({ attempts: 3, lastStatus: 204, status: 'delivered' })
    const metrics = await t.registry.metrics()
    expect(metrics).toContain(`consent_sync_webhook_attempts_total{endpoint="${id}",outcome="failed"} 2`)
    expect(metrics).toContain(`consent_sync_webhook_attempts_total{endpoint="${id}",outcome="delivered"} 1`)
  })

  it('times out a hanging receiver and retries it, while another endpoint is delivered meanwhile', async () => {
    const t = await setup()
    const slow = await t.receiver((_, n) => (n === 1 ? 'hang' : 200))
    const fast = await t.receiver()
    await t.register(slow)
    await t.register(fast)
    const events = [t.outbox.add(decision('C-1')), t.outbox.add(decision('C-2'))]
    t.start()
    await until(() => fast.ids().length === 2, 3000, 'the fast receiver to get both')
    // Both delivered to the fast one before the slow one's first attempt timed out.
    expect(slow.received.length).toBeLessThanOrEqual(2)
    await until(() => slow.received.length >= 3, 8000, 'the slow one retried')
    expect(new Set(slow.ids())).toEqual(new Set(events.map((e) => e.id)))
  })

  it('disables an endpoint that answers 410 Gone, records it, and attempts no more', async () => {
    const t = await setup()
    const gone = await t.receiver(() => 410)
    const { id } = await t.register(gone)
    t.outbox.add(decision('C-1'))
    t.outbox.add(decision('C-2'))
    t.start()
    await until(async () => (await t.store.getWebhookEndpoint(id))?.enabled === false, 5000, 'disabled')
    expect(await t.store.getWebhookEndpoint(id)).toMatchObject({ enabled: false, disabledReason: 'gone' })
    const log = await t.store.adminLog()
    expect(log.at(-1)).toMatchObject({
      action: 'webhook.disable',
      target: `webhook:${id}`,
      actorRole: 'system',
    })
    const seen = gone.received.length
    t.outbox.add(decision('C-3'))
    // Two more passes' worth: nothing further is sent.
    await new Promise((r) => setTimeout(r, 300))
    expect(gone.received.length).toBe(seen)
    expect(seen).toBeLessThanOrEqual(2)
  })

  it('dead-letters after the last retry, lists it, and replays it one by one or since a time', async () => {
    const t = await setup()
    const r = await t.receiver(() => 503)
    const { id } = await t.register(r)
    const event = t.outbox.add(decision('C-1'))
    t.start()
    const dead = await until(
      async () => {
        const list = await t.store.listWebhookDeliveries(id, { status: 'dead', limit: 10 })
        return list.length === 1 ? list : null
      },
      8000,
      'dead',
    )
    expect(dead[0]).toMatchObject({ eventId: event.id, attempts: 3, lastStatus: 503 })
    expect(r.received).toHaveLength(3)
    expect(await t.registry.metrics()).toContain(
      `consent_sync_webhook_deliveries_dead_total{endpoint="${id}"} 1`,
    )

    r.answerWith(() => 200)
    expect(await replayDeliveries(t.deps, id, { eventId: event.id }, ADMIN)).toEqual({ ok: true, count: 1 })
    await until(() => r.received.length === 4, 3000, 'the replay')
    expect(r.received[3]?.id).toBe(event.id)
    await until(
      async () => (await t.store.listWebhookDeliveries(id, { status: 'delivered', limit: 10 })).length === 1,
    )

    const since = new Date(Date.parse(event.createdAt) - 1000).toISOString()
    expect(await replayDeliveries(t.deps, id, { since }, ADMIN)).toEqual({ ok: true, count: 1 })
    await until(() => r.received.length === 5, 3000, 'the replay since')
    expect((await t.store.adminLog()).map((e) => e.action)).toEqual([
      'webhook.create',
      'webhook.replay',
      'webhook.replay',
    ])
  })

  it('signs with both secrets during a rotation overlap; a receiver holding either accepts', async () => {
    const t = await setup()
    const r = await t.receiver()
    const { id, secret: before } = await t.register(r)
    const rotated = await rotateSecret(t.deps, id, ADMIN)
    if (!rotated.ok) throw new Error('rotation refused')
    const after = rotated.secret as string
    expect(after).not.toBe(before)
    expect(rotated.endpoint.previousSecretUntil).toBeDefined()
    t.outbox.add(decision('C-1'))
    t.start()
    const [hook] = await until(() => (r.received.length === 1 ? r.received : null))
    expect(hook?.signature.split(' ')).toHaveLength(2)
    expect(verified(before, hook as never)).toBe(true)
    expect(verified(after, hook as never)).toBe(true)
  })

  it('keeps a customer in order: a later event waits for the earlier one, another customer does not', async () => {
    const t = await setup({ WEBHOOK_RETRY_SCHEDULE: '0,1,1,1' })
    const first = { id: '' }
    const r = await t.receiver((hook) => {
      first.id ||= hook.id
      // The first event of C-1 fails twice; everything else is taken.
      return hook.id === first.id && r.received.filter((h) => h.id === first.id).length <= 2 ? 500 : 200
    })
    await t.register(r)
    const a1 = t.outbox.add(decision('C-1'))
    const a2 = t.outbox.add(decision('C-1'))
    const b1 = t.outbox.add(decision('C-2'))
    t.start()
    await until(() => r.ids().length === 3 && r.received.length === 5, 8000, 'all delivered')
    const firstOk = r.received.findIndex((h, i) => h.id === a1.id && i >= 2)
    const a2At = r.received.findIndex((h) => h.id === a2.id)
    expect(a2At).toBeGreaterThan(firstOk)
    // C-2's event went while C-1's first was still being retried.
    expect(r.received.findIndex((h) => h.id === b1.id)).toBeLessThan(firstOk)
  })

  it('sends only the events and purposes an endpoint asked for', async () => {
    const t = await setup()
    const r = await t.receiver()
    await t.register(r, { purposeIds: ['marketing-email'] })
    t.outbox.add(decision('C-1', 'marketing-sms'))
    const wanted = t.outbox.add(decision('C-1', 'marketing-email'))
    t.outbox.add({ type: 'catalog.published', customerId: null, purposeId: 'marketing-email', data: {} })
    const last = t.outbox.add(decision('C-2', 'marketing-email'))
    t.start()
    await until(() => r.ids().length === 2, 3000)
    expect(r.ids()).toEqual([wanted.id, last.id])
  })

  it('keeps no secret in clear in the database file', async () => {
    const t = await setup()
    const r = await t.receiver()
    const { id, secret } = await t.register(r)
    const rotated = await rotateSecret(t.deps, id, ADMIN)
    t.db.pragma('wal_checkpoint(TRUNCATE)')
    const bytes = readFileSync(t.file)
    for (const s of [secret, rotated.ok ? (rotated.secret as string) : '']) {
      expect(bytes.includes(Buffer.from(s))).toBe(false)
      expect(bytes.includes(Buffer.from(s.slice('whsec_'.length)))).toBe(false)
    }
    expect(bytes.includes(Buffer.from(r.url))).toBe(true)
  })

  it('refuses at delivery an address the policy refuses, though the endpoint was stored', async () => {
    const t = await setup()
    const r = await t.receiver()
    const { id } = await t.register(r)
    t.outbox.add(decision('C-1'))
    // The same endpoint row, delivered by a server whose allow-list no longer names 127.0.0.1.
    const strict = await setup({ WEBHOOK_ALLOWED_HOSTS: '' })
    const row = await t.store.getWebhookEndpoint(id)
    await strict.store.saveWebhookEndpoint(
      { ...(row as WebhookEndpointRow), secretSealed: strict.deps.box.seal('whsec_AAAA') },
      {
        action: 'webhook.create',
        target: `webhook:${id}`,
        actorId: 'admin1',
        actorRole: 'admin',
        at: new Date().toISOString(),
        details: {},
      },
      0,
    )
    strict.outbox.add(decision('C-1'))
    strict.start()
    const [d] = await until(async () => {
      const list = await strict.store.listWebhookDeliveries(id, { limit: 10 })
      return list[0]?.attempts ? list : null
    }, 3000)
    expect(d?.lastError).toMatch(/loopback/)
    expect(r.received).toHaveLength(0)
  })
})
