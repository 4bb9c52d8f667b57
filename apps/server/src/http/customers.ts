import type { PurposeCatalog } from '@consent-sync/consent-core'
import type { FastifyInstance } from 'fastify'
import { consentRows, stateAt } from '../audit/state-at'
import { ANY_ROLE, bearerSecurity, requireRole } from '../auth/guards'
import type { AuditLog } from '../store/audit-log'
import type { CatalogStore } from '../store/catalog-store'
import type { Directory } from '../store/directory'
import type { DocumentLog } from '../store/document-log'
import type { Rooms } from '../sync/rooms'
import { problemResponses, sendProblem } from './errors'
import { objectOf } from './json-schema'
import { parseRfc3339 } from './rfc3339'

/** Customer ids as rooms and URLs carry them. */
export const customerIdSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
} as const

const customerSchema = {
  type: 'object',
  required: ['id', 'name', 'phone'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    phone: { type: 'string' },
    email: { type: 'string' },
    accountNumber: { type: 'string' },
  },
} as const

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

const consentsSchema = {
  type: 'object',
  required: ['customerId', 'purposes'],
  properties: {
    customerId: { type: 'string' },
    purposes: { type: 'array', items: purposeStateSchema },
    // With `?at=` only: the instant echoed, the catalog then, and the audit entries received by then.
    at: { type: 'string' },
    catalogVersion: { type: 'string' },
    // Entries as `GET /api/audit` serves them; its schema is not imported, as audit.ts imports this file.
    decisions: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
} as const

interface IdParams {
  id: string
}

/** Customer search, one customer, and a customer's folded consents (DESIGN.md §5b). */
/** What the customer routes use: the directory, and the rooms for the live decisions. */
export interface CustomerRoutesDeps {
  store: Pick<Directory, 'searchCustomers' | 'getCustomer'> &
    Pick<AuditLog, 'auditChain'> &
    Pick<DocumentLog, 'updatesReceivedBy'> &
    Pick<CatalogStore, 'listPurposes' | 'listVersions' | 'adminLog'>
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

  app.get<{ Params: IdParams; Querystring: { at?: string } }>(
    '/api/customers/:id/consents',
    {
      schema: {
        tags: ['consents'],
        summary: 'The folded consent state of every purpose: ask this before sending a marketing message',
        description:
          'With `at` (RFC 3339, server time, not in the future): the state at that instant, rebuilt from the updates the server had received by then, under the catalog as it was then, with the audit entries that led to it.',
        security: bearerSecurity,
        params,
        querystring: {
          type: 'object',
          properties: { at: { type: 'string', minLength: 1, maxLength: 64 } },
        },
        response: { 200: consentsSchema, ...problemResponses(400, 401, 403, 404) },
      },
      preHandler: requireRole(app, ANY_ROLE),
    },
    async (request, reply) => {
      const { id } = request.params
      if (request.user.role === 'customer' && request.user.customerId !== id) {
        return sendProblem(reply, 403, 'a customer may read only their own consents')
      }
      let at: string | undefined
      if (request.query.at !== undefined) {
        const instant = parseRfc3339(request.query.at)
        if (!instant.ok) return sendProblem(reply, 400, `at: ${instant.detail}`, 'at')
        if (Date.parse(instant.value) > ctx.now()) {
          return sendProblem(reply, 400, 'at: must not be in the future', 'at')
        }
        at = instant.value
      }
      if (!(await ctx.store.getCustomer(id))) return sendProblem(reply, 404, `no customer ${id}`)
      if (at !== undefined) {
        const then = await stateAt(ctx.store, id, at)
        return {
          customerId: id,
          purposes: then.purposes,
          at,
          catalogVersion: then.catalog.version,
          decisions: then.entries,
        }
      }
      const catalog = ctx.catalog.current()
      const decisions = await ctx.rooms.readDecisions(id)
      return {
        customerId: id,
        purposes: consentRows(decisions, catalog, await ctx.store.auditChain(id), ctx.now()),
      }
    },
  )
}
