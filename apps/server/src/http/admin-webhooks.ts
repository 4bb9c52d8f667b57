import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { bearerSecurity, requireRole } from '../auth/guards'
import type { ServerContext } from '../context'
import { OUTBOX_EVENT_TYPES } from '../store/outbox'
import type { DeliveryStatus, WebhookDelivery } from '../store/webhook-store'
import {
  createEndpoint,
  deleteEndpoint,
  type EndpointDraft,
  type EndpointOutcome,
  type EndpointPatch,
  publicEndpoint,
  replayDeliveries,
  rotateSecret,
  updateEndpoint,
} from '../webhooks/endpoints'
import { createWebhookService } from '../webhooks/service'
import { problemResponses, sendProblem } from './errors'
import { objectOf } from './json-schema'
import { parseRfc3339 } from './rfc3339'

const endpointSchema = {
  type: 'object',
  required: ['id', 'url', 'events', 'enabled', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    url: { type: 'string' },
    events: { type: 'array', items: { type: 'string' } },
    purposeIds: { type: 'array', items: { type: 'string' } },
    enabled: { type: 'boolean' },
    disabledReason: { type: 'string', enum: ['admin', 'gone'] },
    previousSecretUntil: { type: 'string' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const

const deliverySchema = {
  type: 'object',
  required: ['eventId', 'type', 'status', 'attempts', 'createdAt'],
  properties: {
    eventId: { type: 'string' },
    type: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'delivered', 'dead'] },
    attempts: { type: 'integer' },
    createdAt: { type: 'string' },
    nextAttemptAt: { type: 'string' },
    lastAttemptAt: { type: 'string' },
    lastStatus: { type: 'integer' },
    lastError: { type: 'string' },
    deliveredAt: { type: 'string' },
  },
} as const

const eventsProperty = {
  type: 'array',
  minItems: 1,
  maxItems: OUTBOX_EVENT_TYPES.length,
  items: { type: 'string', enum: [...OUTBOX_EVENT_TYPES] },
} as const
const purposeIdsProperty = {
  type: 'array',
  maxItems: 200,
  items: { type: 'string', minLength: 1, maxLength: 64 },
} as const
const urlProperty = { type: 'string', minLength: 1, maxLength: 2000 } as const

const idParams = objectOf({ id: { type: 'string', minLength: 1, maxLength: 64 } })
const secretReply = objectOf({ id: { type: 'string' }, secret: { type: 'string' }, endpoint: endpointSchema })
const endpointReply = objectOf({ endpoint: endpointSchema })
const countReply = objectOf({ count: { type: 'integer' } })

const actorOf = (request: FastifyRequest) => ({ id: request.user.sub, role: request.user.role })

function answer(reply: FastifyReply, outcome: EndpointOutcome, status = 200) {
  if (!outcome.ok)
    return sendProblem(reply, outcome.problem.status, outcome.problem.message, outcome.problem.field)
  if (outcome.secret === undefined) return reply.code(status).send({ endpoint: outcome.endpoint })
  return reply
    .code(status)
    .send({ id: outcome.endpoint.id, secret: outcome.secret, endpoint: outcome.endpoint })
}

function shownDelivery(d: WebhookDelivery) {
  const out: Record<string, unknown> = {
    eventId: d.eventId,
    type: d.eventType,
    status: d.status,
    attempts: d.attempts,
    createdAt: d.createdAt,
  }
  if (d.status === 'pending') out.nextAttemptAt = new Date(Math.max(d.dueAtMs, 0)).toISOString()
  if (d.lastAttemptAt !== null) out.lastAttemptAt = d.lastAttemptAt
  if (d.lastStatus !== null) out.lastStatus = d.lastStatus
  if (d.lastError !== null) out.lastError = d.lastError
  if (d.deliveredAt !== null) out.deliveredAt = d.deliveredAt
  return out
}

/**
 * Webhook endpoints (README "Webhooks", DESIGN.md §12 "Downstream"): registered, changed, given a
 * new secret and removed by admins, each change in the admin audit log; their deliveries listed
 * and replayed. Starts the delivery engine once the server is ready and stops it before it closes.
 */
export function registerAdminWebhookRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const service = createWebhookService({
    store: ctx.store,
    config: ctx.config.webhooks,
    registry: ctx.metrics.registry,
    log: app.log,
    now: ctx.now,
  })
  const { deps } = service
  app.addHook('onReady', async () => service.start())
  app.addHook('preClose', () => service.stop())
  // A decision was just stored with its events: deliver without waiting for the next poll.
  ctx.events.on(() => service.kick())

  const admin = requireRole(app, ['admin'])
  const reader = requireRole(app, ['admin', 'auditor'])
  const found = async (reply: FastifyReply, id: string) => {
    const e = await ctx.store.getWebhookEndpoint(id)
    if (!e) sendProblem(reply, 404, `no webhook endpoint ${id}`)
    return e
  }

  app.post<{ Body: EndpointDraft }>(
    '/api/admin/webhooks',
    {
      schema: {
        tags: ['admin'],
        summary: 'Register a webhook endpoint; its whsec_ secret is shown in this answer only',
        description:
          'Events from now on are sent to it, signed as Standard Webhooks. The URL may not point at a loopback, private or link-local address (unless WEBHOOK_ALLOWED_HOSTS names it), and must be https in production.',
        security: bearerSecurity,
        body: {
          type: 'object',
          required: ['url', 'events'],
          additionalProperties: false,
          properties: {
            url: urlProperty,
            events: eventsProperty,
            purposeIds: purposeIdsProperty,
            enabled: { type: 'boolean' },
          },
        },
        response: { 201: secretReply, ...problemResponses(400, 401, 403) },
      },
      preHandler: admin,
    },
    async (request, reply) => {
      const outcome = await createEndpoint(deps, request.body, actorOf(request))
      if (outcome.ok) service.endpointsChanged()
      return answer(reply, outcome, 201)
    },
  )

  app.get(
    '/api/admin/webhooks',
    {
      schema: {
        tags: ['admin'],
        summary: 'Every webhook endpoint (never a secret)',
        security: bearerSecurity,
        response: {
          200: objectOf({ endpoints: { type: 'array', items: endpointSchema } }),
          ...problemResponses(401, 403),
        },
      },
      preHandler: reader,
    },
    async () => ({
      endpoints: (await ctx.store.listWebhookEndpoints()).map((e) => publicEndpoint(e, ctx.now())),
    }),
  )

  app.get<{ Params: { id: string } }>(
    '/api/admin/webhooks/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'One webhook endpoint: whether it is enabled, and why not (admin, or gone: it answered 410)',
        security: bearerSecurity,
        params: idParams,
        response: { 200: endpointReply, ...problemResponses(401, 403, 404) },
      },
      preHandler: reader,
    },
    async (request, reply) => {
      const e = await found(reply, request.params.id)
      return e ? { endpoint: publicEndpoint(e, ctx.now()) } : reply
    },
  )

  app.patch<{ Params: { id: string }; Body: EndpointPatch }>(
    '/api/admin/webhooks/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Change an endpoint: its URL, events, purpose filter (null: none), or enable or disable it',
        security: bearerSecurity,
        params: idParams,
        body: {
          type: 'object',
          minProperties: 1,
          additionalProperties: false,
          properties: {
            url: urlProperty,
            events: eventsProperty,
            purposeIds: { anyOf: [purposeIdsProperty, { type: 'null' }] },
            enabled: { type: 'boolean' },
          },
        },
        response: { 200: endpointReply, ...problemResponses(400, 401, 403, 404) },
      },
      preHandler: admin,
    },
    async (request, reply) => {
      const outcome = await updateEndpoint(deps, request.params.id, request.body, actorOf(request))
      if (outcome.ok) service.endpointsChanged()
      return answer(reply, outcome)
    },
  )

  app.post<{ Params: { id: string } }>(
    '/api/admin/webhooks/:id/rotate-secret',
    {
      schema: {
        tags: ['admin'],
        summary: 'A new secret, shown in this answer only; the former one signs beside it for the overlap',
        description: 'The overlap is WEBHOOK_ROTATION_OVERLAP_SECONDS (default 24 h).',
        security: bearerSecurity,
        params: idParams,
        response: { 200: secretReply, ...problemResponses(401, 403, 404) },
      },
      preHandler: admin,
    },
    async (request, reply) => answer(reply, await rotateSecret(deps, request.params.id, actorOf(request))),
  )

  app.delete<{ Params: { id: string } }>(
    '/api/admin/webhooks/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Remove an endpoint and its deliveries (the admin log keeps the record)',
        security: bearerSecurity,
        params: idParams,
        response: { 204: { type: 'null' }, ...problemResponses(401, 403, 404) },
      },
      preHandler: admin,
    },
    async (request, reply) => {
      if (!(await deleteEndpoint(deps, request.params.id, actorOf(request))))
        return sendProblem(reply, 404, `no webhook endpoint ${request.params.id}`)
      return reply.code(204).send()
    },
  )

  app.get<{ Params: { id: string }; Querystring: { status?: DeliveryStatus; limit?: number } }>(
    '/api/admin/webhooks/:id/deliveries',
    {
      schema: {
        tags: ['admin'],
        summary:
          "An endpoint's deliveries, newest event first: pending, delivered, or dead (after the last retry)",
        security: bearerSecurity,
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: ['pending', 'delivered', 'dead'] },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        response: {
          200: objectOf({ deliveries: { type: 'array', items: deliverySchema } }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
      preHandler: reader,
    },
    async (request, reply) => {
      if (!(await found(reply, request.params.id))) return reply
      const { status, limit = 100 } = request.query
      const list = await ctx.store.listWebhookDeliveries(request.params.id, {
        ...(status ? { status } : {}),
        limit,
      })
      return { deliveries: list.map(shownDelivery) }
    },
  )

  app.post<{ Params: { id: string; eventId: string } }>(
    '/api/admin/webhooks/:id/deliveries/:eventId/replay',
    {
      schema: {
        tags: ['admin'],
        summary: 'Send a delivered or dead event again, with the same webhook-id and a fresh retry schedule',
        security: bearerSecurity,
        params: objectOf({
          id: { type: 'string', minLength: 1, maxLength: 64 },
          eventId: { type: 'string', minLength: 1, maxLength: 200 },
        }),
        response: { 202: countReply, ...problemResponses(401, 403, 404) },
      },
      preHandler: admin,
    },
    async (request, reply) => {
      const { id, eventId } = request.params
      const done = await replayDeliveries(deps, id, { eventId }, actorOf(request))
      if (!done.ok) return sendProblem(reply, done.problem.status, done.problem.message)
      if (done.count === 0) return sendProblem(reply, 404, `no delivered or dead delivery of ${eventId}`)
      service.endpointsChanged()
      return reply.code(202).send({ count: done.count })
    },
  )

  app.post<{ Params: { id: string }; Body: { since?: string; from?: string } }>(
    '/api/admin/webhooks/:id/replay',
    {
      schema: {
        tags: ['admin'],
        summary: 'Send again every delivered or dead event of the endpoint since a time (RFC 3339), in order',
        description: '`from` is accepted as another name for `since`.',
        security: bearerSecurity,
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          maxProperties: 1,
          properties: { since: { type: 'string', maxLength: 64 }, from: { type: 'string', maxLength: 64 } },
        },
        response: { 202: countReply, ...problemResponses(400, 401, 403, 404) },
      },
      preHandler: admin,
    },
    async (request, reply) => {
      const field = request.body.since !== undefined ? 'since' : 'from'
      const instant = parseRfc3339(request.body.since ?? request.body.from ?? '')
      if (!instant.ok) return sendProblem(reply, 400, `${field} ${instant.detail}`, field)
      const done = await replayDeliveries(deps, request.params.id, { since: instant.value }, actorOf(request))
      if (!done.ok) return sendProblem(reply, done.problem.status, done.problem.message)
      service.endpointsChanged()
      return reply.code(202).send({ count: done.count })
    },
  )
}
