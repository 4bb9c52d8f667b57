import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

/** Prometheus metrics of one server instance (GET /metrics). */
export interface Metrics {
  registry: Registry
  connections: Gauge
  documentsLoaded: Gauge
  updatesAccepted: Counter
  updatesRejected: Counter<'reason'>
  connectionsClosed: Counter<'code'>
  presenceDropped: Counter<'reason'>
  slowReadersClosed: Counter
  documentsNearLimit: Counter
  commitSeconds: Histogram
  commitBatchSize: Histogram
  broadcastSeconds: Histogram
}

export function createMetrics(): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  return {
    registry,
    connections: new Gauge({
      name: 'consent_sync_connections',
      help: 'Open sync connections',
      registers: [registry],
    }),
    documentsLoaded: new Gauge({
      name: 'consent_sync_documents_loaded',
      help: 'Documents held in memory',
      registers: [registry],
    }),
    updatesAccepted: new Counter({
      name: 'consent_sync_updates_accepted_total',
      help: 'Updates validated, made durable and applied',
      registers: [registry],
    }),
    updatesRejected: new Counter({
      name: 'consent_sync_updates_rejected_total',
      help: 'Updates rejected, by validation reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    connectionsClosed: new Counter({
      name: 'consent_sync_connections_closed_total',
      help: 'Sync connections closed by the server, by close code',
      labelNames: ['code'],
      registers: [registry],
    }),
    presenceDropped: new Counter({
      name: 'consent_sync_presence_dropped_total',
      help: 'Presence entries not taken: relayed back, repeated, for client ids the connection does not own, or over the cap',
      labelNames: ['reason'],
      registers: [registry],
    }),
    slowReadersClosed: new Counter({
      name: 'consent_sync_slow_readers_closed_total',
      help: 'Sync connections closed because their unsent data passed MAX_UNSENT_BYTES (the client did not read)',
      registers: [registry],
    }),
    documentsNearLimit: new Counter({
      name: 'consent_sync_documents_near_limit_total',
      help: 'Records that passed 90% of MAX_DOCUMENT_BYTES (each counted once per load; the log names them)',
      registers: [registry],
    }),
    commitSeconds: new Histogram({
      name: 'consent_sync_commit_seconds',
      help: 'Time to make one group commit durable',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    commitBatchSize: new Histogram({
      name: 'consent_sync_commit_batch_updates',
      help: 'Updates per group commit',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [registry],
    }),
    broadcastSeconds: new Histogram({
      name: 'consent_sync_broadcast_seconds',
      help: 'Time from receiving an update to broadcasting it to the other connections',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
  }
}
