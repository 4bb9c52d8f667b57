import { foldAll, type PurposeCatalog, readOut } from '@consent-sync/consent-core'
import type { FastifyInstance } from 'fastify'
import { ANY_ROLE, bearerSecurity, requireRole } from '../auth/guards'
import type { AuditLog } from '../store/audit-log'
import type { Directory } from '../store/directory'
import type { Rooms } from '../sync/rooms'
import { problemResponses, sendProblem } from './errors'
import { objectOf } from './json-schema'

/** Customer ids as rooms and URLs carry them. */
export const customerIdSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
} as const

const customerSchema = objectOf({
  id: { type: 'string' },
  name: { type: 'string' },
  phone: { type: 'string' },
})

const nullableString = { type: ['string', 'null'] } as const

/** One purpose's folded state, as downstream systems read it before they send a message. */
const purposeStateSchema = objectOf({
  purposeId: { type: 'string' },
  state: { type: 'string', enum: ['granted', 'withdrawn'] },
  conflicted: { type: 'boolean' },
  decidedAt: nullableString,
  decidedBy: {
    type: ['object', 'null'],
    properties: { id: { type: 'string' }, role: { type: 'string' } },
  },
  channel: nullableString,
  noticeVersion: nullableString,
  decisionId: nullableString,
  heads: { type: 'array', items: { type: 'string' } },
  // What to act on (consent-core SPEC 3.8–3.10): withdrawn when expired, retired, or voided by a
  // material change that requires fresh consent.
  effectiveState: { type: 'string', enum: ['granted', 'withdrawn'] },
  needsReconsent: { type: 'boolean' },
  expired: { type: 'boolean' },
  expiresAt: nullableString,
  reconsent: { type: ['string', 'null'], enum: ['required', 'prompt', null] },
})

const consentsSchema = objectOf({
  customerId: { type: 'string' },
  purposes: { type: 'array', items: purposeStateSchema },
})

interface IdParams {
  id: string
}

/** Customer search, one customer, and a customer's folded consents (DESIGN.md §5b). */
/** What the customer routes use: the directory, and the rooms for the live decisions. */
export interface CustomerRoutesDeps {
  store: Pick<Directory, 'searchCustomers' | 'getCustomer'> & Pick<AuditLog, 'auditChain'>
  rooms: Pick<Rooms, 'readDecisions'>
  catalog: { current(): PurposeCatalog }
  /** The clock expiry is judged by (ms since the epoch); tests fix it. */
  now: () => number
}

export function registerCustomerRoutes(app: FastifyInstance, ctx: CustomerRoutesDeps): void {
  const params = { type: 'object', required: ['id'], properties: { id: customerIdSchema } } as const

  app.get<{ Querystring: { q: string; limit: number } }>(
    '/api/customers',
    {
      schema: {
        tags: ['customers'],
        summary: 'Search customers by id, name or phone number',
        security: bearerSecurity,
        querystring: {
          type: 'object',
          properties: {
            q: { type: 'string', maxLength: 100, default: '' },
            limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['customers'],
            properties: { customers: { type: 'array', items: customerSchema } },
          },
          ...problemResponses(400, 401, 403),
        },
      },
      preHandler: requireRole(app, ['csr', 'admin', 'auditor']),
    },
    async (request) => ({
      customers: await ctx.store.searchCustomers(request.query.q.trim(), request.query.limit),
    }),
  )

  app.get<{ Params: IdParams }>(
    '/api/customers/:id',
    {
      schema: {
        tags: ['customers'],
        summary: 'One customer',
        security: bearerSecurity,
        params,
        response: { 200: customerSchema, ...problemResponses(400, 401, 403, 404) },
      },
      preHandler: requireRole(app, ['customer', 'csr', 'admin', 'auditor']),
    },
    async (request, reply) => {
      const { id } = request.params
      if (request.user.role === 'customer' && request.user.customerId !== id) {
        return sendProblem(reply, 403, 'a customer may read only their own record')
      }
      const customer = await ctx.store.getCustomer(id)
      if (!customer) return sendProblem(reply, 404, `no customer ${id}`)
      return customer
    },
  )

  app.get<{ Params: IdParams }>(
    '/api/customers/:id/consents',
    {
      schema: {
        tags: ['consents'],
        summary: 'The folded consent state of every purpose: ask this before sending a marketing message',
        security: bearerSecurity,
        params,
        response: { 200: consentsSchema, ...problemResponses(400, 401, 403, 404) },
      },
      preHandler: requireRole(app, ANY_ROLE),
    },
    async (request, reply) => {
      const { id } = request.params
      if (request.user.role === 'customer' && request.user.customerId !== id) {
        return sendProblem(reply, 403, 'a customer may read only their own consents')
      }
      if (!(await ctx.store.getCustomer(id))) return sendProblem(reply, 404, `no customer ${id}`)
      const catalog = ctx.catalog.current()
      const states = foldAll(await ctx.rooms.readDecisions(id), catalog)
      // Lifetimes count from the server's receive time of the grant, which its audit entry holds.
      const receivedAt = new Map((await ctx.store.auditChain(id)).map((e) => [e.decisionId, e.receivedAt]))
      const now = ctx.now()
      return {
        customerId: id,
        purposes: states.map((s, i) => {
          const at = s.decision ? receivedAt.get(s.decision.id) : undefined
          const r = readOut(s, catalog.purposes[i]!, { now, ...(at ? { receivedAt: at } : {}) })
          return {
            purposeId: s.purposeId,
            state: s.state,
            conflicted: s.conflicted,
            decidedAt: s.decision?.at ?? null,
            decidedBy: s.decision ? { id: s.decision.actor.id, role: s.decision.actor.role } : null,
            channel: s.decision?.channel ?? null,
            noticeVersion: s.decision?.noticeVersion ?? null,
            decisionId: s.decision?.id ?? null,
            heads: s.heads.map((h) => h.id),
            effectiveState: r.effectiveState,
            needsReconsent: r.needsReconsent,
            expired: r.expired,
            expiresAt: r.expiresAt ?? null,
            reconsent: r.reconsent ?? null,
          }
        }),
      }
    },
  )
}
