import { Counter, Gauge, type Registry } from 'prom-client'

/** The webhook delivery's metrics, in the server's registry (GET /metrics). */
export interface WebhookMetrics {
  attempts: Counter<'endpoint' | 'outcome'>
  failures: Counter<'endpoint' | 'reason'>
  dead: Counter<'endpoint'>
  oldestPendingSeconds: Gauge<'endpoint'>
}

export function createWebhookMetrics(registry: Registry): WebhookMetrics {
  return {
    attempts: new Counter({
      name: 'consent_sync_webhook_attempts_total',
      help: 'Webhook delivery attempts, by endpoint and outcome (delivered, failed, gone)',
      labelNames: ['endpoint', 'outcome'],
      registers: [registry],
    }),
    failures: new Counter({
      name: 'consent_sync_webhook_failures_total',
      help: 'Failed webhook attempts, by endpoint and reason (status, timeout, network, refused-target, gone)',
      labelNames: ['endpoint', 'reason'],
      registers: [registry],
    }),
    dead: new Counter({
      name: 'consent_sync_webhook_deliveries_dead_total',
      help: 'Webhook deliveries dead-lettered after the last retry, by endpoint',
      labelNames: ['endpoint'],
      registers: [registry],
    }),
    oldestPendingSeconds: new Gauge({
      name: 'consent_sync_webhook_oldest_undelivered_seconds',
      help: 'Age of the oldest event not yet delivered (nor dead), by endpoint',
      labelNames: ['endpoint'],
      registers: [registry],
    }),
  }
}
