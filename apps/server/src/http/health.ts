import type { FastifyInstance } from 'fastify'
import type { ServerContext } from '../context'

const statusSchema = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string' }, error: { type: 'string' }, message: { type: 'string' } },
} as const

/** `/healthz` (liveness), `/readyz` (the store answers) and `/metrics` (Prometheus). */
export function registerHealthRoutes(app: FastifyInstance, ctx: ServerContext): void {
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
        summary: 'Readiness: the store is reachable',
        response: { 200: statusSchema, 503: statusSchema },
      },
    },
    async (request, reply) => {
      try {
        await ctx.store.ping()
        return { status: 'ok' }
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err)
        request.log.warn({ err }, 'store not reachable')
        return reply
          .code(503)
          .send({ status: 'unavailable', error: 'unavailable', message: `store: ${message}` })
      }
    },
  )

  app.get(
    '/metrics',
    { schema: { tags: ['ops'], summary: 'Prometheus metrics (text exposition format)' } },
    async (_request, reply) => {
      // Gauges of what is in memory are read at scrape time rather than tracked on every change.
      ctx.metrics.documentsLoaded.set(ctx.rooms.loadedCount())
      ctx.metrics.connections.set(ctx.rooms.connectionCount())
      const body = await ctx.metrics.registry.metrics()
      return reply.type(ctx.metrics.registry.contentType).send(body)
    },
  )
}
