import type { FastifyInstance } from 'fastify'
import type { Config } from '../config'
import type { Metrics } from '../metrics/metrics'
import type { StoreLifecycle } from '../store/store'
import type { FanOut } from '../sync/fanout'
import type { Rooms } from '../sync/rooms'
import { problemResponses } from './errors'
import { requireMetricsToken } from './metrics-token'

const statusSchema = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string' },
    error: { type: 'string' },
    message: { type: 'string' },
    checks: {
      type: 'object',
      properties: { store: { type: 'string' }, fanout: { type: 'string' } },
    },
  },
} as const

async function check(probe: () => Promise<void>): Promise<string> {
  try {
    await probe()
    return 'ok'
  } catch (err) {
    return err instanceof Error ? err.message : String(err)
  }
}

/** `/healthz` (liveness), `/readyz` (the store answers) and `/metrics` (Prometheus). */
/** What the ops routes look at. */
export interface HealthDeps {
  store: Pick<StoreLifecycle, 'ping'>
  fanout: Pick<FanOut, 'ping'>
  rooms: Pick<Rooms, 'loadedCount' | 'connectionCount'>
  metrics: Metrics
  config: Pick<Config, 'metricsToken'>
}

export function registerHealthRoutes(app: FastifyInstance, ctx: HealthDeps): void {
  app.get(
    '/healthz',
    { schema: { tags: ['ops'], summary: 'Liveness: the process answers', response: { 200: statusSchema } } },
    async () => ({ status: 'ok' }),
  )

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['ops'],
        summary: 'Readiness: the store is reachable (503 if not); fan-out to other instances reported',
        response: { 200: statusSchema, 503: statusSchema },
      },
    },
    async (request, reply) => {
      const checks = {
        store: await check(() => ctx.store.ping()),
        fanout: await check(() => ctx.fanout.ping()),
      }
      if (checks.store !== 'ok') {
        request.log.warn({ checks }, 'store not reachable')
        return reply
          .code(503)
          .send({ status: 'unavailable', error: 'unavailable', message: `store: ${checks.store}`, checks })
      }
      // Without fan-out the instance still serves and stores; others catch up from the store.
      return { status: checks.fanout === 'ok' ? 'ok' : 'degraded', checks }
    },
  )

  const { metricsToken } = ctx.config
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['ops'],
        summary: 'Prometheus metrics (text exposition format)',
        description:
          'Open, unless the server has a `METRICS_TOKEN`: then it needs `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise).',
        ...(metricsToken ? { security: [{ bearer: [] }], response: problemResponses(401) } : {}),
      },
      ...(metricsToken ? { preHandler: requireMetricsToken(metricsToken) } : {}),
    },
    async (_request, reply) => {
      // Gauges of what is in memory are read at scrape time rather than tracked on every change.
      ctx.metrics.documentsLoaded.set(ctx.rooms.loadedCount())
      ctx.metrics.connections.set(ctx.rooms.connectionCount())
      const body = await ctx.metrics.registry.metrics()
      return reply.type(ctx.metrics.registry.contentType).send(body)
    },
  )
}
