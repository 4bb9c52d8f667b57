import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { bearerSecurity, requireRole } from '../auth/guards'
import { type ExportBundle, exportChunks, exportPage } from '../receipts/export-bundle'
import type { ReceiptIssuer } from '../receipts/issuer'
import type { AuditLog } from '../store/audit-log'
import type { CatalogStore } from '../store/catalog-store'
import type { Directory } from '../store/directory'
import type { Rooms } from '../sync/rooms'
import { customerIdSchema } from './customers'
import { problemResponses, sendProblem } from './errors'
import { originOf, refuseOtherCustomer } from './receipts'

export interface ExportRoutesDeps {
  store: Pick<AuditLog, 'auditChain'> & Pick<Directory, 'getCustomer'> & Pick<CatalogStore, 'recordAdmin'>
  rooms: Pick<Rooms, 'readDecisions'>
  issuer: ReceiptIssuer
  now: () => number
  publicUrl: string | undefined
}

/** "Download my data": one signed bundle of everything held about a customer (docs/receipts.md). */
export function registerExportRoutes(app: FastifyInstance, deps: ExportRoutesDeps): void {
  app.get<{ Params: { id: string }; Querystring: { format: 'json' | 'html' } }>(
    '/api/customers/:id/export',
    {
      schema: {
        tags: ['evidence'],
        summary:
          'Everything held about the customer, as one signed JSON bundle (?format=html: a readable page)',
        security: bearerSecurity,
        params: { type: 'object', required: ['id'], properties: { id: customerIdSchema } },
        querystring: {
          type: 'object',
          properties: { format: { type: 'string', enum: ['json', 'html'], default: 'json' } },
        },
        response: problemResponses(400, 401, 403, 404),
      },
      preHandler: requireRole(app, ['customer', 'admin', 'auditor']),
    },
    async (request, reply) => {
      const { id } = request.params
      const { format } = request.query
      if (refuseOtherCustomer(request, reply, id)) return reply
      const profile = await deps.store.getCustomer(id)
      if (!profile) return sendProblem(reply, 404, `no customer ${id}`)
      const createdAt = new Date(deps.now()).toISOString()
      const sources = {
        customerId: id,
        profile,
        decisions: await deps.rooms.readDecisions(id),
        audit: await deps.store.auditChain(id),
        createdAt,
      }
      if (request.user.role !== 'customer') {
        // Staff reading a whole record is itself a fact the admin log keeps.
        await deps.store.recordAdmin({
          action: 'customer.export',
          target: `customer:${id}`,
          actorId: request.user.sub,
          actorRole: request.user.role,
          at: createdAt,
          details: { format, decisions: sources.decisions.length, auditEntries: sources.audit.length },
        })
      }
      request.log.info({ customerId: id, by: request.user.sub, format }, 'customer data export')
      const stamp = createdAt.replace(/[:.]/g, '-')
      if (format === 'html') {
        let text = ''
        for await (const chunk of exportChunks(deps.issuer, sources)) text += chunk
        const bundle = JSON.parse(text) as ExportBundle
        const receipts = await Promise.all(
          sources.audit.map(async (e) => (await deps.issuer.issue(e)).receipt),
        )
        return reply
          .type('text/html; charset=utf-8')
          .send(exportPage({ ...bundle, receipts }, originOf(request, deps.publicUrl)))
      }
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="consent-data-${id}-${stamp}.json"`)
        .send(Readable.from(exportChunks(deps.issuer, sources)))
    },
  )
}
