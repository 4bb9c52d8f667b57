import { LANGUAGES, type Language, type UserRole } from '@consent-sync/consent-core'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { bearerSecurity, requireRole } from '../auth/guards'
import type { ReceiptIssuer } from '../receipts/issuer'
import { EVIDENCE_CSS_PATH, EVIDENCE_STYLE, receiptPage } from '../receipts/pages'
import type { KeyRegistry } from '../receipts/signing-keys'
import type { AuditLog } from '../store/audit-log'
import type { Directory } from '../store/directory'
import { customerIdSchema } from './customers'
import { problemResponses, sendProblem } from './errors'

export interface ReceiptRoutesDeps {
  store: Pick<AuditLog, 'auditChain' | 'decisionEntries'> & Pick<Directory, 'getCustomer'>
  issuer: ReceiptIssuer
  keys: KeyRegistry
  publicUrl: string | undefined
}

/** Who may read a customer's evidence: the customer themselves, and staff who read records. */
const READERS: readonly UserRole[] = ['customer', 'csr', 'admin', 'auditor']

const langSchema = { type: 'string', enum: [...LANGUAGES], default: 'en' } as const

/** The server's own origin as the caller reached it (`PUBLIC_URL` when set), for links in pages. */
export function originOf(request: FastifyRequest, publicUrl: string | undefined): string {
  return publicUrl ?? `${request.protocol}://${request.host}`
}

/** 403 unless the caller may read `customerId`'s records (a customer: only their own). */
export function refuseOtherCustomer(
  request: FastifyRequest,
  reply: FastifyReply,
  customerId: string,
): boolean {
  if (request.user.role === 'customer' && request.user.customerId !== customerId) {
    sendProblem(reply, 403, 'a customer may read only their own receipts and data')
    return true
  }
  return false
}

/** Receipts of accepted decisions, and the public keys that check them (DESIGN.md §12 Evidence). */
export function registerReceiptRoutes(app: FastifyInstance, deps: ReceiptRoutesDeps): void {
  app.get(
    '/api/keys',
    {
      schema: {
        tags: ['evidence'],
        summary: 'The public keys (JWKS) that check receipts and other signed evidence',
      },
    },
    async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(deps.keys.jwks()),
  )

  app.get(EVIDENCE_CSS_PATH, { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(EVIDENCE_STYLE),
  )

  app.get<{ Params: { id: string }; Querystring: { lang: Language } }>(
    '/api/customers/:id/receipts',
    {
      schema: {
        tags: ['evidence'],
        summary: "A receipt for each of the customer's accepted decisions, oldest first",
        security: bearerSecurity,
        params: { type: 'object', required: ['id'], properties: { id: customerIdSchema } },
        querystring: { type: 'object', properties: { lang: langSchema } },
        response: problemResponses(400, 401, 403, 404),
      },
      preHandler: requireRole(app, READERS),
    },
    async (request, reply) => {
      const { id } = request.params
      if (refuseOtherCustomer(request, reply, id)) return reply
      if (!(await deps.store.getCustomer(id))) return sendProblem(reply, 404, `no customer ${id}`)
      const chain = await deps.store.auditChain(id)
      const receipts = []
      for (const entry of chain) {
        const { receipt, jws } = await deps.issuer.issue(entry, request.query.lang)
        receipts.push({ decisionId: entry.decisionId, receipt, jws })
      }
      return { customerId: id, receipts }
    },
  )

  app.get<{
    Params: { decisionId: string }
    Querystring: { customerId?: string; format: 'jws' | 'json' | 'html'; lang: Language; download?: boolean }
  }>(
    '/api/receipts/:decisionId',
    {
      schema: {
        tags: ['evidence'],
        summary:
          'One receipt: the compact JWS (EdDSA, kid in the header); ?format=json the decoded receipt, ?format=html a printable page',
        description:
          "A customer's own receipts are found from the token. Staff may name the customer with `customerId`; without it the decision id is looked up across customers (400 if two customers' records hold the same id).",
        security: bearerSecurity,
        params: {
          type: 'object',
          required: ['decisionId'],
          properties: { decisionId: { type: 'string', minLength: 1, maxLength: 100 } },
        },
        querystring: {
          type: 'object',
          properties: {
            customerId: customerIdSchema,
            format: { type: 'string', enum: ['jws', 'json', 'html'], default: 'jws' },
            lang: langSchema,
            download: { type: 'boolean' },
          },
        },
        response: problemResponses(400, 401, 403, 404),
      },
      preHandler: requireRole(app, READERS),
    },
    async (request, reply) => {
      const { decisionId } = request.params
      const { format, lang } = request.query
      const customerId =
        request.query.customerId ?? (request.user.role === 'customer' ? request.user.customerId : undefined)
      if (customerId !== undefined && refuseOtherCustomer(request, reply, customerId)) return reply
      const found = (await deps.store.decisionEntries(decisionId, 10)).filter(
        (e) => customerId === undefined || e.customerId === customerId,
      )
      if (new Set(found.map((e) => e.customerId)).size > 1) {
        return sendProblem(
          reply,
          400,
          `several customers' records hold decision ${decisionId}; name one`,
          'customerId',
        )
      }
      const entry = found[0]
      if (!entry)
        return sendProblem(
          reply,
          404,
          `no accepted decision ${decisionId}${customerId === undefined ? '' : ` of customer ${customerId}`}`,
        )
      const { receipt, jws } = await deps.issuer.issue(entry, lang)
      const name = `receipt-${decisionId}.${format === 'jws' ? 'jws' : format}`
      if (request.query.download) reply.header('content-disposition', `attachment; filename="${name}"`)
      if (format === 'json') return { receipt, jws }
      if (format === 'html')
        return reply
          .type('text/html; charset=utf-8')
          .send(receiptPage(receipt, jws, originOf(request, deps.publicUrl)))
      return reply.type('application/jose; charset=utf-8').send(jws)
    },
  )
}
