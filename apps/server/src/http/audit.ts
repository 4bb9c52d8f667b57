import { Readable } from 'node:stream'
import {
  AUDIT_FIELDS,
  EXPORT_CONTENT_TYPE,
  EXPORT_FORMATS,
  type ExportFormat,
  exportFileName,
} from '@consent-sync/consent-core'
import type { FastifyInstance } from 'fastify'
import { exportLines } from '../audit/export'
import { bearerSecurity, requireRole } from '../auth/guards'
import { type AuditFilter, type AuditLog, InvalidCursorError } from '../store/audit-log'
import { customerIdSchema } from './customers'
import { problemResponses, sendProblem } from './errors'
import { parseRfc3339 } from './rfc3339'

const INSTANT_NOTE =
  'RFC 3339, e.g. 2026-11-02T10:00:00Z or 2026-11-02T15:30:00+05:30; a leap second 23:59:60 is the first instant of the next day; fractions finer than a millisecond round up'

const filterProperties = {
  customerId: customerIdSchema,
  purposeId: { type: 'string', minLength: 1, maxLength: 100 },
  actorId: { type: 'string', minLength: 1, maxLength: 100 },
  from: { type: 'string', format: 'date-time', description: `received at or after (${INSTANT_NOTE})` },
  to: { type: 'string', format: 'date-time', description: `received before (${INSTANT_NOTE})` },
} as const

export const auditEntrySchema = {
  type: 'object',
  // Every field but the notice hash, which entries made before the catalog was kept as data lack
  // (consent-core SPEC 4.5): present exactly when stored, so every entry served still verifies.
  required: AUDIT_FIELDS.filter((f) => f !== 'noticeHash'),
  properties: {
    customerId: { type: 'string' },
    seq: { type: 'integer' },
    purposeId: { type: 'string' },
    decisionId: { type: 'string' },
    decision: { type: 'string' },
    previousState: { type: 'string' },
    newState: { type: 'string' },
    conflicted: { type: 'boolean' },
    actorId: { type: 'string' },
    actorRole: { type: 'string' },
    channel: { type: 'string' },
    noticeVersion: { type: 'string' },
    noticeHash: { type: 'string' },
    evidence: { type: ['string', 'null'] },
    deviceAt: { type: 'string' },
    receivedAt: { type: 'string' },
    connectionId: { type: 'string' },
    updateHash: { type: 'string' },
    prevHash: { type: 'string' },
    hash: { type: 'string' },
  },
} as const

type FilterQuery = Partial<Record<'customerId' | 'purposeId' | 'actorId' | 'from' | 'to', string>>

type QueryFilter = Omit<AuditFilter, 'cursor' | 'limit'>

/**
 * The store filter of a query, without the keys that are absent (exactOptionalPropertyTypes), or
 * the problem with its `from` or `to`, named (DESIGN.md §10).
 */
function filterOf(
  query: FilterQuery,
): { ok: true; value: QueryFilter } | { ok: false; field: 'from' | 'to'; message: string } {
  const filter: QueryFilter = {}
  if (query.customerId !== undefined) filter.customerId = query.customerId
  if (query.purposeId !== undefined) filter.purposeId = query.purposeId
  if (query.actorId !== undefined) filter.actorId = query.actorId
  for (const field of ['from', 'to'] as const) {
    const text = query[field]
    if (text === undefined) continue
    const instant = parseRfc3339(text)
    if (!instant.ok) return { ok: false, field, message: `${field}: ${instant.detail}` }
    filter[field] = instant.value
  }
  return { ok: true, value: filter }
}

/** `GET /api/audit` (cursor-paged, newest first) and `GET /api/audit/export` (DESIGN.md §7). */
export function registerAuditRoutes(app: FastifyInstance, ctx: { store: AuditLog }): void {
  app.get<{ Querystring: FilterQuery & { cursor?: string; limit: number } }>(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit entries, newest first; a customer sees only their own',
        security: bearerSecurity,
        querystring: {
          type: 'object',
          properties: {
            ...filterProperties,
            cursor: { type: 'string', minLength: 1, maxLength: 500 },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['entries', 'nextCursor'],
            properties: {
              entries: { type: 'array', items: auditEntrySchema },
              nextCursor: { type: ['string', 'null'] },
            },
          },
          ...problemResponses(400, 401, 403),
        },
      },
      preHandler: requireRole(app, ['customer', 'csr', 'admin', 'auditor']),
    },
    async (request, reply) => {
      const query = { ...request.query }
      if (request.user.role === 'customer') {
        const own = request.user.customerId
        if (own === undefined || (query.customerId !== undefined && query.customerId !== own)) {
          return sendProblem(reply, 403, 'a customer may read only their own audit entries', 'customerId')
        }
        query.customerId = own
      }
      const parsed = filterOf(query)
      if (!parsed.ok) return sendProblem(reply, 400, parsed.message, parsed.field)
      const filter: AuditFilter = { ...parsed.value, limit: query.limit }
      if (query.cursor !== undefined) filter.cursor = query.cursor
      try {
        return await ctx.store.queryAudit(filter)
      } catch (err) {
        if (err instanceof InvalidCursorError) return sendProblem(reply, 400, err.message, 'cursor')
        throw err
      }
    },
  )

  app.get<{ Querystring: FilterQuery & { format: ExportFormat } }>(
    '/api/audit/export',
    {
      schema: {
        tags: ['audit'],
        summary: 'Every matching audit entry, streamed as JSON Lines or CSV',
        description:
          'JSON Lines: each stored entry exactly, so its hash verifies. CSV (RFC 4180, a header row): a text cell that starts with `=`, `+`, `-`, `@`, tab or carriage return, which a spreadsheet would run as a formula, is written with a leading `\'` and quoted (`"\'=1+2"`, as OWASP recommends against CSV injection); numbers and booleans (`seq`, `conflicted`) are written as they are. Use JSON Lines where the exact text matters.',
        security: bearerSecurity,
        querystring: {
          type: 'object',
          properties: {
            ...filterProperties,
            format: { type: 'string', enum: [...EXPORT_FORMATS], default: 'jsonl' },
          },
        },
        response: problemResponses(400, 401, 403),
      },
      preHandler: requireRole(app, ['admin', 'auditor']),
    },
    async (request, reply) => {
      const { format } = request.query
      const parsed = filterOf(request.query)
      if (!parsed.ok) return sendProblem(reply, 400, parsed.message, parsed.field)
      const filter = parsed.value
      request.log.info({ format, filter, by: request.user.sub }, 'audit export')
      const body = Readable.from(exportLines(ctx.store.streamAudit(filter), format))
      return reply
        .type(EXPORT_CONTENT_TYPE[format])
        .header('content-disposition', `attachment; filename="${exportFileName(format, filter.customerId)}"`)
        .header('cache-control', 'no-store')
        .send(body)
    },
  )
}
