import type { FastifyInstance } from 'fastify'
import { bearerSecurity, requireRole } from '../auth/guards'
import { checkCustomer, duplicateIds } from '../directory/customer-rules'
import type { CustomerRecord, Directory } from '../store/directory'
import { problemResponses, sendProblem } from './errors'
import { objectOf } from './json-schema'

/** Customers one request may carry: a CRM sends its changes in pages of at most this many. */
export const MAX_CUSTOMERS_PER_REQUEST = 10_000

// Structure and sizes here; the id, phone and e-mail rules in directory/customer-rules.ts, so the
// file import refuses the same records.
const customerBody = {
  type: 'object',
  required: ['id', 'name', 'phone'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', maxLength: 64 },
    name: { type: 'string', maxLength: 200 },
    phone: { type: 'string', maxLength: 40 },
    email: { type: 'string', maxLength: 254 },
    accountNumber: { type: 'string', maxLength: 64 },
  },
} as const

const body = { type: 'array', maxItems: MAX_CUSTOMERS_PER_REQUEST, items: customerBody } as const

/** A full page of the largest records fits; the server's 64 KiB default does not. */
const BODY_LIMIT = 8 * 1024 * 1024

export interface AdminCustomerDeps {
  store: Pick<Directory, 'upsertCustomers'>
}

/**
 * The CRM's door into the customer directory (DESIGN.md §12): `PUT /api/admin/customers` with a
 * JSON array of customers, stored all or nothing in one transaction.
 */
export function registerAdminCustomerRoutes(app: FastifyInstance, deps: AdminCustomerDeps): void {
  app.put<{ Body: Record<string, unknown>[] }>(
    '/api/admin/customers',
    {
      bodyLimit: BODY_LIMIT,
      schema: {
        tags: ['admin'],
        summary: `Add or update up to ${MAX_CUSTOMERS_PER_REQUEST} customers; one invalid element and none is stored`,
        description:
          'Answers how many were new, changed, or already stored exactly so. A 400 names the element by its index (`field`: `3.phone`).',
        security: bearerSecurity,
        body,
        response: {
          200: objectOf({
            inserted: { type: 'integer' },
            updated: { type: 'integer' },
            unchanged: { type: 'integer' },
          }),
          ...problemResponses(400, 401, 403, 413),
        },
      },
      preHandler: requireRole(app, ['admin']),
    },
    async (request, reply) => {
      const customers: CustomerRecord[] = []
      const firstIndexOf = duplicateIds<number>()
      for (const [i, element] of request.body.entries()) {
        const checked = checkCustomer(element)
        if (!checked.ok) {
          const { field, message } = checked.problem
          return sendProblem(reply, 400, `customer ${i}: ${message}`, `${i}.${field}`)
        }
        const first = firstIndexOf(checked.value.id, i)
        if (first !== undefined) {
          return sendProblem(
            reply,
            400,
            `customer ${i}: id ${checked.value.id} is also customer ${first}`,
            `${i}.id`,
          )
        }
        customers.push(checked.value)
      }
      return deps.store.upsertCustomers(customers)
    },
  )
}
