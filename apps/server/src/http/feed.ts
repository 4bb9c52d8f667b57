import { type AuditEntry, feedEventOf } from '@consent-sync/consent-core'
import type { FastifyInstance } from 'fastify'
import { bearerSecurity, requireRole } from '../auth/guards'
import type { AcceptedEvents } from '../context'
import type { AuditLog } from '../store/audit-log'
import type { Directory } from '../store/directory'
import { problemResponses } from './errors'
import { eventStreams } from './event-stream'

/** What the live feed uses: the accepted events, and the audit log and names for a replay. */
export interface FeedDeps {
  store: Pick<AuditLog, 'streamAudit'> & Pick<Directory, 'findUser'>
  events: AcceptedEvents
}

/** Event ids carry the server's receive time, so a reconnecting client can be sent what it missed. */
export function feedEventId(entry: AuditEntry): string {
  return `${entry.receivedAt}|${entry.customerId}:${entry.seq}`
}

/** At most this many missed entries are replayed on reconnect; older ones are in the audit trail. */
export const REPLAY_MAX = 1000

/**
 * Sends the entries received at or after the time in `lastEventId` (the `Last-Event-ID` that
 * EventSource sends when it reconnects), oldest first, except the one the client already has.
 */
async function replaySince(
  ctx: FeedDeps,
  lastEventId: string,
  send: (entry: AuditEntry, userName: string) => void,
): Promise<void> {
  const from = lastEventId.split('|')[0] ?? ''
  if (!Number.isFinite(Date.parse(from))) return
  const missed: AuditEntry[] = []
  for await (const entry of ctx.store.streamAudit({ from })) {
    if (missed.length >= REPLAY_MAX) break
    if (feedEventId(entry) !== lastEventId) missed.push(entry)
  }
  const names = new Map<string, string>()
  for (const entry of missed.reverse()) {
    let name = names.get(entry.actorId)
    if (name === undefined) {
      name = (await ctx.store.findUser(entry.actorId))?.name ?? entry.actorId
      names.set(entry.actorId, name)
    }
    send(entry, name)
  }
}

/**
 * `GET /api/feed`: server-sent events, one per accepted audit entry. The token may come as
 * `?token=` because EventSource cannot set headers.
 */
export function registerFeedRoutes(app: FastifyInstance, ctx: FeedDeps): void {
  const streams = eventStreams(app)

  app.get<{ Querystring: { token?: string; lastEventId?: string } }>(
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
            lastEventId: {
              type: 'string',
              maxLength: 200,
              description: 'replay what came after this event id (as the Last-Event-ID header does)',
            },
          },
        },
        response: problemResponses(401, 403),
      },
      preHandler: requireRole(app, ['csr', 'admin', 'auditor'], { allowQueryToken: true }),
    },
    async (request, reply) => {
      // Live events wait while missed ones are replayed, so the stream stays in order.
      let waiting: { entry: AuditEntry; name: string }[] | null = []
      let unsubscribe = () => {}
      const write = streams.open(reply, () => unsubscribe())
      write(': connected\n\n')

      const sent = new Set<string>()
      const send = (entry: AuditEntry, userName: string) => {
        const id = feedEventId(entry)
        if (sent.has(id)) return
        sent.add(id)
        write(`id: ${id}\ndata: ${JSON.stringify(feedEventOf(entry, userName))}\n\n`)
      }
      unsubscribe = ctx.events.on((event) => {
        for (const entry of event.entries) {
          if (waiting) waiting.push({ entry, name: event.user.name })
          else send(entry, event.user.name)
        }
      })
      const lastEventId = request.headers['last-event-id'] ?? request.query.lastEventId
      if (typeof lastEventId === 'string') {
        try {
          await replaySince(ctx, lastEventId, send)
        } catch (err) {
          request.log.warn({ err }, 'feed replay failed')
        }
      }
      for (const w of waiting) send(w.entry, w.name)
      waiting = null
      request.log.debug({ user: request.user.sub }, 'feed opened')
    },
  )
}
