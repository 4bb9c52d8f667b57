import type { PurposeCatalog } from '@consent-sync/consent-core'
import type { FastifyInstance } from 'fastify'
import { objectOf } from './json-schema'

const textSchema = objectOf({ en: { type: 'string' }, si: { type: 'string' }, ta: { type: 'string' } })

/** One purpose of the catalog in its current version, with its texts in every language. */
const purposeSchema = objectOf({
  id: { type: 'string' },
  version: { type: 'string' },
  default: { type: 'string', enum: ['granted', 'withdrawn'] },
  title: textSchema,
  notice: textSchema,
})

export const catalogSchema = objectOf({
  version: { type: 'string' },
  purposes: { type: 'array', items: purposeSchema },
})

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
