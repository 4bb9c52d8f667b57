import type { PurposeCatalog } from '@consent-sync/consent-core'
import type { FastifyInstance } from 'fastify'

const textSchema = {
  type: 'object',
  required: ['en', 'si', 'ta'],
  properties: { en: { type: 'string' }, si: { type: 'string' }, ta: { type: 'string' } },
} as const

export const catalogSchema = {
  type: 'object',
  required: ['version', 'purposes'],
  properties: {
    version: { type: 'string' },
    purposes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'version', 'default', 'title', 'notice'],
        properties: {
          id: { type: 'string' },
          version: { type: 'string' },
          default: { type: 'string', enum: ['granted', 'withdrawn'] },
          title: textSchema,
          notice: textSchema,
        },
      },
    },
  },
} as const

/** `GET /api/purposes`: the purpose catalog, for anyone (clients cache it for offline use). */
export function registerPurposeRoutes(app: FastifyInstance, ctx: { catalog: PurposeCatalog }): void {
  app.get(
    '/api/purposes',
    {
      schema: {
        tags: ['consents'],
        summary: 'The purpose catalog with notice texts in English, Sinhala and Tamil',
        response: { 200: catalogSchema },
      },
    },
    async () => ctx.catalog,
  )
}
