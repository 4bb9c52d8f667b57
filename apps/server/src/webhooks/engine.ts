import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { WebhookMetrics } from '../metrics/webhook-metrics'
import type { OutboxEvent, OutboxStore } from '../store/outbox'
import type { NewDelivery, WebhookDelivery, WebhookEndpointRow } from '../store/webhook-store'
import { type AttemptOutcome, type AttemptRequest, attemptDelivery } from './delivery'
import { activeSecrets, disableGone, type EndpointDeps } from './endpoints'
import type { SecretBox } from './secret-box'
import { signatureHeader } from './signing'
import type { WebhookConfig } from './webhook-config'

/** Events read from the outbox per endpoint per page, and pages per endpoint per pass. */
const PAGE = 500
const PAGES_PER_PASS = 10

export interface EngineLog {
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface WebhookEngineDeps {
  store: EndpointDeps['store']
  outbox: Pick<OutboxStore, 'readOutbox' | 'outboxHead'>
  config: WebhookConfig
  box: SecretBox
  metrics: WebhookMetrics
  log: EngineLog
  now: () => number
  /** The one SQLite server frees the leases a killed predecessor left at start. */
  singleServer: boolean
  /** Sends one attempt (tests may watch it); default the real POST. */
  send?: (req: AttemptRequest) => Promise<AttemptOutcome>
}

export interface WebhookEngine {
  /**
   * New events were stored: looks for them and due retries now, rather than at the next poll;
   * skipped while the last look found no endpoint, for up to a poll interval.
   */
  kick(): void
  /** An endpoint was registered or changed here: looks now, whatever the last look found. */
  endpointsChanged(): void
  /** Stops polling and aborts attempts in flight (their leases lapse, or are freed at the next start). */
  stop(): Promise<void>
  /** Attempts in flight now, by endpoint (tests, bounds). */
  inFlight(): ReadonlyMap<string, number>
}

/** Whether an endpoint subscribes to the event: its type, and its purpose when filtered. */
export function matches(e: WebhookEndpointRow, event: OutboxEvent): boolean {
  if (!e.events.includes(event.type)) return false
  if (e.purposeIds === null) return true
  return event.purposeId !== null && e.purposeIds.includes(event.purposeId)
}

/** The delivery body (Standard Webhooks): `{type, id, timestamp, data}`, the same at every attempt. */
export function deliveryOf(event: OutboxEvent, dueAtMs: number): NewDelivery {
  return {
    eventId: event.id,
    seq: event.seq,
    eventType: event.type,
    // catalog events are about no customer: each goes on its own.
    orderKey: event.customerId ?? `event:${event.id}`,
    createdAt: event.createdAt,
    payload: JSON.stringify({ type: event.type, id: event.id, timestamp: event.createdAt, data: event.data }),
    dueAtMs,
  }
}

/**
 * Webhook delivery off the sync path (README "Webhooks"): each pass moves every endpoint's cursor
 * over the outbox (making its deliveries), then leases due deliveries up to the in-flight bounds
 * and sends them, each attempt on its own: a slow receiver holds only its own endpoint's slots.
 */
export function startWebhookEngine(deps: WebhookEngineDeps): WebhookEngine {
  const { store, outbox, config, metrics, log } = deps
  const send = deps.send ?? attemptDelivery
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
  const running = new Map<string, number>()
  const abort = new AbortController()
  const attempts = new Set<Promise<void>>()
  let total = 0
  let stopped = false
  let passing: Promise<void> | null = null
  let again = false
  /** When a pass last found no endpoint (performance.now()), or null: each decision kicks a pass. */
  let noEndpointsAt: number | null = null
  const endpointDeps: EndpointDeps = {
    store,
    outbox,
    box: deps.box,
    policy: config,
    rotationOverlapSeconds: config.rotationOverlapSeconds,
    now: deps.now,
  }

  async function enqueue(e: WebhookEndpointRow, head: number): Promise<void> {
    for (let page = 0; page < PAGES_PER_PASS; page++) {
      const cursor = await store.webhookCursor(e.id)
      if (cursor === undefined || cursor >= head) return
      const events = await outbox.readOutbox(cursor, PAGE)
      const last = events.at(-1)
      if (!last) return
      const due = deps.now() + (config.retryScheduleSeconds[0] ?? 0) * 1000
      const made = events.filter((ev) => matches(e, ev)).map((ev) => deliveryOf(ev, due))
      // False: another instance moved this cursor meanwhile; it made these deliveries.
      if (!(await store.enqueueWebhookDeliveries(e.id, cursor, last.seq, made))) return
    }
  }

  async function claim(e: WebhookEndpointRow): Promise<void> {
    const free = Math.min(
      config.maxInFlightPerEndpoint - (running.get(e.id) ?? 0),
      config.maxInFlight - total,
    )
    if (free <= 0) return
    const nowMs = deps.now()
    const claimed = await store.claimWebhookDeliveries(e.id, {
      nowMs,
      owner,
      leaseUntilMs: nowMs + config.leaseMs,
      limit: free,
    })
    for (const d of claimed) {
      const p = attempt(e, d).finally(() => attempts.delete(p))
      attempts.add(p)
    }
  }

  async function attempt(e: WebhookEndpointRow, d: WebhookDelivery): Promise<void> {
    running.set(e.id, (running.get(e.id) ?? 0) + 1)
    total++
    try {
      const nowMs = deps.now()
      const timestamp = Math.floor(nowMs / 1000)
      const outcome = await send({
        url: e.url,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'consent-sync-webhooks',
          'webhook-id': d.eventId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signatureHeader(
            activeSecrets(deps.box, e, nowMs),
            d.eventId,
            timestamp,
            d.payload,
          ),
        },
        body: d.payload,
        timeoutMs: config.attemptTimeoutMs,
        policy: config,
        signal: abort.signal,
      })
      if (abort.signal.aborted) return
      await settle(e, d, outcome)
    } catch (err) {
      if (!stopped) log.error({ err, endpointId: e.id, eventId: d.eventId }, 'webhook attempt not recorded')
    } finally {
      running.set(e.id, (running.get(e.id) ?? 1) - 1)
      total--
      engine.kick()
    }
  }

  async function settle(e: WebhookEndpointRow, d: WebhookDelivery, outcome: AttemptOutcome): Promise<void> {
    const n = d.attempts + 1
    const at = new Date(deps.now()).toISOString()
    metrics.attempts.inc({ endpoint: e.id, outcome: outcome.kind })
    const base = { endpointId: e.id, eventId: d.eventId, leaseOwner: owner, attempt: n, at }
    if (outcome.kind === 'delivered') {
      await store.recordWebhookAttempt({ ...base, status: outcome.status, error: null, outcome: 'delivered' })
      return
    }
    if (outcome.kind === 'gone') {
      metrics.failures.inc({ endpoint: e.id, reason: 'gone' })
      await store.recordWebhookAttempt({ ...base, status: 410, error: 'answered 410 Gone', outcome: 'held' })
      await disableGone(endpointDeps, e.id, d.eventId)
      log.warn({ endpointId: e.id }, 'webhook endpoint answered 410 Gone: disabled')
      return
    }
    metrics.failures.inc({ endpoint: e.id, reason: outcome.reason })
    const delay = config.retryScheduleSeconds[n]
    const failed = { ...base, status: outcome.status, error: outcome.error.slice(0, 500) }
    if (delay === undefined) {
      if (await store.recordWebhookAttempt({ ...failed, outcome: 'dead' }))
        metrics.dead.inc({ endpoint: e.id })
      log.warn(
        { endpointId: e.id, eventId: d.eventId, attempts: n },
        'webhook delivery dead after the last retry',
      )
      return
    }
    await store.recordWebhookAttempt({ ...failed, outcome: 'retry', nextAtMs: deps.now() + delay * 1000 })
  }

  async function backlog(endpoints: readonly WebhookEndpointRow[]): Promise<void> {
    const oldest = new Map((await store.webhookBacklog()).map((b) => [b.endpointId, b.oldestCreatedAt]))
    metrics.oldestPendingSeconds.reset()
    for (const e of endpoints) {
      const at = oldest.get(e.id)
      const age = at === undefined ? 0 : Math.max(0, (deps.now() - Date.parse(at)) / 1000)
      metrics.oldestPendingSeconds.set({ endpoint: e.id }, age)
    }
  }

  async function pass(): Promise<void> {
    const endpoints = await store.listWebhookEndpoints()
    noEndpointsAt = endpoints.length === 0 ? performance.now() : null
    if (endpoints.length === 0) return
    const head = await outbox.outboxHead()
    for (const e of endpoints) await enqueue(e, head)
    for (const e of endpoints) if (e.enabled) await claim(e)
    await backlog(endpoints)
  }

  function run(): void {
    if (stopped) return
    if (passing) {
      again = true
      return
    }
    passing = (async () => {
      try {
        do {
          again = false
          await pass()
        } while (again && !stopped)
      } catch (err) {
        if (!stopped) log.warn({ err }, 'webhook pass failed; trying again at the next poll')
      } finally {
        passing = null
      }
    })()
  }

  const started = deps.singleServer ? store.releaseWebhookLeases() : Promise.resolve()
  let timer: NodeJS.Timeout | undefined
  void started.then(
    () => {
      if (stopped) return
      timer = setInterval(run, config.pollIntervalMs)
      timer.unref()
      run()
    },
    (err) => log.error({ err }, 'webhook leases not freed; delivery not started'),
  )

  const engine: WebhookEngine = {
    kick: () => {
      // Without endpoints, a pass per decision was a query per decision (an eighth of the event
      // loop's work at 500 decisions/s); the poll, or a change made here, looks again.
      if (noEndpointsAt !== null && performance.now() - noEndpointsAt < config.pollIntervalMs) return
      if (!stopped) setImmediate(run)
    },
    endpointsChanged: () => {
      noEndpointsAt = null
      if (!stopped) setImmediate(run)
    },
    async stop() {
      stopped = true
      clearInterval(timer)
      abort.abort()
      await started.catch(() => {})
      await passing
      await Promise.allSettled([...attempts])
    },
    inFlight: () => running,
  }
  return engine
}
