import { feedEventOf } from '@consent-sync/consent-core'
import type { FastifyInstance } from 'fastify'
import { bearerSecurity, requireRole } from '../auth/guards'
import type { ServerContext } from '../context'
import { problemResponses } from './errors'

/** Proxies close idle connections; a comment line every 15 s keeps the stream open. */
export const HEARTBEAT_MS = 15_000

/**
 * `GET /api/feed`: server-sent events, one per accepted audit entry. The token may come as
 * `?token=` because EventSource cannot set headers.
 */
export function registerFeedRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const open = new Set<() => void>()
  // Streams never end on their own; without this `app.close()` would wait for them forever.
  app.addHook('preClose', async () => {
    for (const end of [...open]) end()
  })

  app.get(
    '/api/feed',
    {
      schema: {
        tags: ['audit'],
        summary: 'Live feed of accepted decisions (text/event-stream)',
        description:
          'Each event\'s data is `{type: "consent-updated", consent: {customerId, purposeId, state, previousState, conflicted, decisionId, channel, noticeVersion}, timestamp, updatedBy: {userId, userType, userName}}`.',
        security: bearerSecurity,
        querystring: {
          type: 'object',
          properties: {
            token: { type: 'string', description: 'the JWT, for clients that cannot set headers' },
          },
        },
        response: problemResponses(401, 403),
      },
      preHandler: requireRole(app, ['csr', 'admin'], { allowQueryToken: true }),
    },
    async (request, reply) => {
      reply.hijack()
      const res = reply.raw
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // nginx would otherwise buffer the stream.
        'x-accel-buffering': 'no',
      })
      res.write(': connected\n\n')

      const unsubscribe = ctx.events.on((event) => {
        for (const entry of event.entries) {
          const data = JSON.stringify(feedEventOf(entry, event.user.name))
          res.write(`id: ${entry.customerId}:${entry.seq}\ndata: ${data}\n\n`)
        }
      })
      const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS)
      heartbeat.unref()

      const end = () => {
        if (!open.delete(end)) return
        clearInterval(heartbeat)
        unsubscribe()
        res.end()
      }
      open.add(end)
      res.on('close', end)
      request.log.debug({ user: request.user.sub }, 'feed opened')
    },
  )
}
