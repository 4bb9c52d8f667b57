import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { bearerSecurity, requireRole } from '../auth/guards'
import {
  type CatalogOutcome,
  createPurpose,
  type Publisher,
  type PurposeDraft,
  publishVersion,
  retirePurpose,
  type VersionDraft,
} from '../catalog/publish'
import { problemResponses } from './errors'
import { objectOf } from './json-schema'
import { purposeSchema, textSchema } from './purposes'

// Structure here; languages, formats and ranges in catalog/publish.ts, so the CLI import says the same.
const anyText = { type: 'object', properties: textSchema.properties, additionalProperties: false } as const
const versionProperties = {
  version: { type: 'string', maxLength: 64 },
  title: anyText,
  notice: anyText,
  material: { type: 'boolean' },
  lifetimeDays: { type: 'integer' },
  reconsent: { type: 'string', enum: ['required', 'prompt'] },
} as const

const versionBody = {
  type: 'object',
  required: ['version', 'title', 'notice', 'material'],
  additionalProperties: false,
  properties: versionProperties,
} as const

const purposeBody = {
  type: 'object',
  required: ['id', 'default', 'version', 'title', 'notice'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', maxLength: 64 },
    default: { type: 'string', enum: ['granted', 'withdrawn'] },
    ...versionProperties,
  },
} as const

const adminEntrySchema = {
  type: 'object',
  required: ['seq', 'action', 'target', 'actorId', 'actorRole', 'at', 'details', 'prevHash', 'hash'],
  properties: {
    seq: { type: 'integer' },
    action: { type: 'string' },
    target: { type: 'string' },
    actorId: { type: 'string' },
    actorRole: { type: 'string' },
    at: { type: 'string' },
    details: { type: 'object', additionalProperties: true },
    prevHash: { type: 'string' },
    hash: { type: 'string' },
  },
} as const

const purposeReply = objectOf({ purpose: purposeSchema })
const idParams = objectOf({ id: { type: 'string', maxLength: 64 } })

/** The outcome as HTTP: 201 (or 200) with the purpose as now served, or the problem naming its field. */
function answer(reply: FastifyReply, outcome: CatalogOutcome, status = 201) {
  if (outcome.ok) return reply.code(status).send({ purpose: outcome.purpose })
  const { status: code, error, message, field } = outcome.problem
  return reply
    .code(code)
    .type('application/json; charset=utf-8')
    .send(field === undefined ? { error, message } : { error, message, field })
}

const adminOf = (request: FastifyRequest) => ({ id: request.user.sub, role: request.user.role })

/**
 * Publishing the catalog (DESIGN.md §12): purposes, versions and retirements, each recorded in the
 * admin audit log, which admins and auditors read here.
 */
export function registerAdminCatalogRoutes(app: FastifyInstance, publisher: Publisher): void {
  const admin = requireRole(app, ['admin'])
  app.post<{ Body: PurposeDraft }>(
    '/api/admin/purposes',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create a purpose and publish its first notice version',
        security: bearerSecurity,
        body: purposeBody,
        response: { 201: purposeReply, ...problemResponses(400, 401, 403, 409) },
      },
      preHandler: admin,
    },
    async (request, reply) => answer(reply, await createPurpose(publisher, request.body, adminOf(request))),
  )

  app.post<{ Params: { id: string }; Body: VersionDraft }>(
    '/api/admin/purposes/:id/versions',
    {
      schema: {
        tags: ['admin'],
        summary: 'Publish a new notice version of a purpose (earlier versions stay published)',
        security: bearerSecurity,
        params: idParams,
        body: versionBody,
        response: { 201: purposeReply, ...problemResponses(400, 401, 403, 404, 409) },
      },
      preHandler: admin,
    },
    async (request, reply) =>
      answer(reply, await publishVersion(publisher, request.params.id, request.body, adminOf(request))),
  )

  app.post<{ Params: { id: string } }>(
    '/api/admin/purposes/:id/retire',
    {
      schema: {
        tags: ['admin'],
        summary: 'Retire a purpose: no new grants from now on, withdrawals always',
        security: bearerSecurity,
        params: idParams,
        response: { 200: purposeReply, ...problemResponses(401, 403, 404, 409) },
      },
      preHandler: admin,
    },
    async (request, reply) =>
      answer(reply, await retirePurpose(publisher, request.params.id, adminOf(request)), 200),
  )

  app.get(
    '/api/admin/audit',
    {
      schema: {
        tags: ['admin'],
        summary: 'The admin audit log, oldest first: every catalog and account change, hash-chained',
        description: 'For admins and auditors.',
        security: bearerSecurity,
        response: {
          200: objectOf({ entries: { type: 'array', items: adminEntrySchema } }),
          ...problemResponses(401, 403),
        },
      },
      preHandler: requireRole(app, ['admin', 'auditor']),
    },
    async () => ({ entries: await publisher.store.adminLog() }),
  )
}
