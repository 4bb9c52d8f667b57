import type { Registry } from 'prom-client'
import { createWebhookMetrics } from '../metrics/webhook-metrics'
import type { CatalogStore } from '../store/catalog-store'
import type { OutboxStore } from '../store/outbox'
import type { WebhookStore } from '../store/webhook-store'
import type { EndpointDeps } from './endpoints'
import { type EngineLog, startWebhookEngine, type WebhookEngine } from './engine'
import { createSecretBox } from './secret-box'
import type { WebhookConfig } from './webhook-config'

export interface WebhookServiceOptions {
  store: WebhookStore & OutboxStore & Pick<CatalogStore, 'adminLog'> & { kind: 'sqlite' | 'postgres' }
  config: WebhookConfig
  registry: Registry
  log: EngineLog & { info(obj: object, msg: string): void }
  now: () => number
}

/** What the admin routes and the delivery engine share: the store, the sealing key, the policy. */
export interface WebhookService {
  deps: EndpointDeps
  /** Starts delivering (once the server is ready). */
  start(): void
  /** Looks for new events now (a decision was just stored). */
  kick(): void
  /** Looks now, with the endpoints as they are (one was registered or changed here). */
  endpointsChanged(): void
  stop(): Promise<void>
}

export function createWebhookService(opts: WebhookServiceOptions): WebhookService {
  const { store, config } = opts
  const box = createSecretBox(config.secretKey, config.previousSecretKeys)
  const metrics = createWebhookMetrics(opts.registry)
  const deps: EndpointDeps = {
    store,
    outbox: store,
    box,
    policy: config,
    rotationOverlapSeconds: config.rotationOverlapSeconds,
    now: opts.now,
  }
  let engine: WebhookEngine | null = null
  return {
    deps,
    start() {
      if (engine) return
      if (config.secretKeySource === 'jwt-secret' && config.requireHttps)
        opts.log.info(
          {},
          'webhook secrets are sealed with a key derived from JWT_SECRET (set WEBHOOK_SECRET_KEY to separate them)',
        )
      engine = startWebhookEngine({
        store,
        outbox: store,
        config,
        box,
        metrics,
        log: opts.log,
        now: opts.now,
        // SQLite is one server: leases a killed predecessor held are free at start.
        singleServer: store.kind === 'sqlite',
      })
    },
    kick: () => engine?.kick(),
    endpointsChanged: () => engine?.endpointsChanged(),
    async stop() {
      await engine?.stop()
      engine = null
    },
  }
}
