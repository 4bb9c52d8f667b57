import type { FastifyInstance } from 'fastify'
import type { LiveCatalog } from '../catalog/live-catalog'
import type { CatalogStore } from '../store/catalog-store'
import { problemResponses, sendProblem } from './errors'
import { eventStreams } from './event-stream'
import { objectOf } from './json-schema'

export const textSchema = objectOf({
  en: { type: 'string' },
  si: { type: 'string' },
  ta: { type: 'string' },
})

const versionFields = {
  textHash: { type: 'string' },
  material: { type: 'boolean' },
  lifetimeDays: { type: 'integer' },
  reconsent: { type: 'string', enum: ['required', 'prompt'] },
} as const

const versionSummarySchema = {
  type: 'object',
  required: ['version', 'textHash', 'material', 'publishedAt'],
  properties: { version: { type: 'string' }, ...versionFields, publishedAt: { type: 'string' } },
} as const

/** One purpose of the catalog in its current version, its texts in every language, and every version it published. */
export const purposeSchema = {
  type: 'object',
  required: ['id', 'version', 'default', 'status', 'title', 'notice', 'textHash', 'material', 'versions'],
  properties: {
    id: { type: 'string' },
    version: { type: 'string' },
    default: { type: 'string', enum: ['granted', 'withdrawn'] },
    status: { type: 'string', enum: ['active', 'retired'] },
    title: textSchema,
    notice: textSchema,
    ...versionFields,
    versions: { type: 'array', items: versionSummarySchema },
  },
} as const

export const catalogSchema = objectOf({
  version: { type: 'string' },
  purposes: { type: 'array', items: purposeSchema },
})

/** One published version with its exact texts: what a customer was shown. */
export const noticeVersionSchema = {
  type: 'object',
  required: ['purposeId', 'version', 'title', 'notice', 'textHash', 'material', 'publishedAt', 'publishedBy'],
  properties: {
    purposeId: { type: 'string' },
    version: { type: 'string' },
    title: textSchema,
    notice: textSchema,
    ...versionFields,
    publishedAt: { type: 'string' },
    publishedBy: { type: 'string' },
  },
} as const

/** At most this many catalog streams at once (anyone may open one: the catalog is public). */
export const MAX_CATALOG_STREAMS = 10_000

export interface PurposeRouteDeps {
  catalog: LiveCatalog
  store: Pick<CatalogStore, 'listVersions' | 'getVersion'>
}

/**
 * The purpose catalog, for anyone (clients cache it for offline use): the current catalog, its
 * changes as they are published, and every published version's exact texts.
 */
export function registerPurposeRoutes(app: FastifyInstance, ctx: PurposeRouteDeps): void {
  app.get(
    '/api/purposes',
    {
      schema: {
        tags: ['consents'],
        summary:
          'The purpose catalog: each purpose at its current notice version, in English, Sinhala and Tamil',
        response: { 200: catalogSchema },
      },
    },
    async () => ctx.catalog.current(),
  )

  const streams = eventStreams(app)
  app.get(
    '/api/purposes/events',
    {
      schema: {
        tags: ['consents'],
        summary: 'Catalog changes as server-sent events (text/event-stream)',
        description:
          'An event `catalog` with data `{"version": "…"}` on connecting and after every publish or retirement; fetch `GET /api/purposes` again when the version is not the one held.',
        response: problemResponses(503),
      },
    },
    async (_request, reply) => {
      if (streams.size >= MAX_CATALOG_STREAMS) {
        return sendProblem(reply, 503, 'too many catalog streams open: poll GET /api/purposes instead')
      }
      let unsubscribe = () => {}
      const write = streams.open(reply, () => unsubscribe())
      const send = (version: string) => write(`event: catalog\ndata: ${JSON.stringify({ version })}\n\n`)
      send(ctx.catalog.current().version)
      unsubscribe = ctx.catalog.onChange((c) => send(c.version))
    },
  )

  app.get<{ Params: { id: string } }>(
    '/api/purposes/:id/versions',
    {
      schema: {
        tags: ['consents'],
        summary: "Every published version of a purpose's notice, newest first, with its exact texts",
        params: objectOf({ id: { type: 'string', maxLength: 64 } }),
        response: {
          200: objectOf({
            purposeId: { type: 'string' },
            versions: { type: 'array', items: noticeVersionSchema },
          }),
          ...problemResponses(404),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params
      const versions = await ctx.store.listVersions(id)
      if (versions.length === 0) return sendProblem(reply, 404, `no purpose ${id}`)
      return { purposeId: id, versions }
    },
  )

  app.get<{ Params: { id: string; version: string } }>(
    '/api/purposes/:id/versions/:version',
    {
      schema: {
        tags: ['consents'],
        summary: 'One published version of a notice: the exact texts a decision under it was made with',
        params: objectOf({
          id: { type: 'string', maxLength: 64 },
          version: { type: 'string', maxLength: 64 },
        }),
        response: { 200: noticeVersionSchema, ...problemResponses(404) },
      },
    },
    async (request, reply) => {
      const { id, version } = request.params
      const found = await ctx.store.getVersion(id, version)
      return found ?? sendProblem(reply, 404, `purpose ${id} has no published version ${version}`)
    },
  )
}
