import { Readable } from 'node:stream'
import { csvField, findPurpose, type Purpose, type PurposeCatalog } from '@consent-sync/consent-core'
import type { FastifyInstance } from 'fastify'
import { bearerSecurity, requireRole } from '../auth/guards'
import { effectiveDefault, effectiveNow } from '../downstream/effective'
import type { ConsentStateRow, ConsentStateStore } from '../store/outbox'
import { customerIdSchema } from './customers'
import { problemResponses, sendProblem } from './errors'
import { objectOf } from './json-schema'

/** Customer ids one check may ask about (DESIGN.md §12). */
export const MAX_CHECK_IDS = 10_000

/** The response header a list's `asOf` mark travels in, besides its first line or column. */
export const AS_OF_HEADER = 'consent-sync-as-of'

/** Rows per page a list reads from the store: memory is bounded by it, whatever the list's length. */
const LIST_PAGE = 2000

export interface ConsentCheckDeps {
  store: Pick<ConsentStateStore, 'consentStates' | 'streamConsentStates' | 'consentStateMark'>
  catalog: { current(): PurposeCatalog }
  /** The clock expiry is judged by (ms since the epoch). */
  now: () => number
}

const stateEnum = { type: 'string', enum: ['granted', 'withdrawn'] } as const

const checkResultSchema = {
  type: 'object',
  required: ['customerId', 'state', 'effectiveState', 'conflicted'],
  properties: {
    customerId: { type: 'string' },
    // `unknown`: the customer never decided on the purpose; the catalog default applies.
    state: { type: 'string', enum: ['granted', 'withdrawn', 'unknown'] },
    effectiveState: stateEnum,
    conflicted: { type: 'boolean' },
    noticeVersion: { type: 'string' },
    expiresAt: { type: 'string' },
  },
} as const

const checkResponseSchema = objectOf({
  purposeId: { type: 'string' },
  asOf: { type: 'integer' },
  results: { type: 'array', items: checkResultSchema },
})

const purposeIdSchema = { type: 'string', minLength: 1, maxLength: 64 } as const

interface CheckResult {
  customerId: string
  state: 'granted' | 'withdrawn' | 'unknown'
  effectiveState: 'granted' | 'withdrawn'
  conflicted: boolean
  noticeVersion?: string
  expiresAt?: string
}

function resultOf(
  customerId: string,
  row: ConsentStateRow | undefined,
  purpose: Purpose,
  catalog: PurposeCatalog,
  now: number,
): CheckResult {
  if (!row)
    return { customerId, state: 'unknown', effectiveState: effectiveDefault(purpose), conflicted: false }
  const reading = effectiveNow(row, catalog, now)
  const result: CheckResult = {
    customerId,
    state: row.state,
    effectiveState: reading.effectiveState,
    conflicted: row.conflicted,
    noticeVersion: row.noticeVersion,
  }
  if (reading.expiresAt) result.expiresAt = reading.expiresAt
  return result
}

/**
 * The check's response as UTF-8 JSON, written here rather than by the response serializer: 10 000
 * results of a handful of shapes. A row's verdict depends on its state, version and conflict
 * (and its receive time only when its version has a lifetime, which the reading's `expiresAt`
 * shows), so each shape is read out and serialised once. The ids were checked against
 * `customerIdSchema`'s pattern, which admits nothing JSON escapes: each is quoted as it is.
 */
function checkResponseBody(
  purposeId: string,
  asOf: number,
  customerIds: readonly string[],
  rows: readonly ConsentStateRow[],
  purpose: Purpose,
  catalog: PurposeCatalog,
  now: number,
): Buffer {
  const tail = (result: CheckResult) => JSON.stringify({ ...result, customerId: undefined }).slice(1)
  const unknownTail = tail(resultOf('', undefined, purpose, catalog, now))
  const shapes = new Map<string, string | null>()
  const tails = new Map<string, string>()
  for (const row of rows) {
    const key = `${row.state}\u0000${row.effectiveState}\u0000${row.conflicted}\u0000${row.noticeVersion}`
    let rest = shapes.get(key)
    // Not seen yet (undefined), or a shape whose verdict is the row's own (null: it expires).
    if (typeof rest !== 'string') {
      const result = resultOf(row.customerId, row, purpose, catalog, now)
      rest = tail(result)
      if (!shapes.has(key)) shapes.set(key, result.expiresAt === undefined ? rest : null)
    }
    tails.set(row.customerId, rest)
  }
  let text = `{"purposeId":${JSON.stringify(purposeId)},"asOf":${asOf},"results":[`
  for (let i = 0; i < customerIds.length; i++) {
    const id = customerIds[i]!
    text += `${i === 0 ? '' : ','}{"customerId":"${id}",${tails.get(id) ?? unknownTail}`
  }
  return Buffer.from(`${text}]}`, 'utf8')
}

const LIST_FORMATS = ['jsonl', 'csv'] as const
type ListFormat = (typeof LIST_FORMATS)[number]

const CSV_COLUMNS = [
  'customerId',
  'effectiveState',
  'state',
  'conflicted',
  'noticeVersion',
  'decidedAt',
  'expiresAt',
  'changeSeq',
  'asOf',
]

/** The list's lines: a first line (JSON Lines) or a column (CSV) with the mark, then a line per row. */
async function* listLines(
  rows: AsyncIterable<ConsentStateRow[]>,
  opts: {
    format: ListFormat
    purposeId: string
    asOf: number
    since: number | undefined
    catalog: PurposeCatalog
    now: number
  },
): AsyncGenerator<string> {
  const { format, asOf, since } = opts
  yield format === 'jsonl'
    ? `${JSON.stringify({ purposeId: opts.purposeId, asOf, since: since ?? null })}\n`
    : `${CSV_COLUMNS.join(',')}\r\n`
  for await (const page of rows) {
    let chunk = ''
    for (const row of page) {
      const { effectiveState, expiresAt } = effectiveNow(row, opts.catalog, opts.now)
      // Without a mark: who may be contacted now. With one: every change since, so a campaign tool
      // removes the people who withdrew.
      if (since === undefined && effectiveState !== 'granted') continue
      const line = {
        customerId: row.customerId,
        effectiveState,
        state: row.state,
        conflicted: row.conflicted,
        noticeVersion: row.noticeVersion,
        decidedAt: row.decidedAt,
        expiresAt: expiresAt ?? null,
        changeSeq: row.changeSeq,
      }
      chunk +=
        format === 'jsonl'
          ? `${JSON.stringify(line)}\n`
          : `${[...Object.values(line), asOf].map((v) => csvField(v)).join(',')}\r\n`
    }
    if (chunk) yield chunk
  }
}

/**
 * What downstream systems ask before they contact people (DESIGN.md §12): the effective state of
 * many customers at once, and the streamed list of those allowed. Both read the current-state table
 * and the live catalog (a default for those who never decided, expiry judged now), never a document.
 */
export function registerConsentCheckRoutes(app: FastifyInstance, ctx: ConsentCheckDeps): void {
  app.post<{ Body: { purposeId: string; customerIds: string[] } }>(
    '/api/consents/check',
    {
      // 10 000 ids of up to 64 characters do not fit the server's default body limit.
      bodyLimit: 1024 * 1024,
      schema: {
        tags: ['consents'],
        summary: 'The effective state of one purpose for up to 10 000 customers, in the order asked',
        description:
          '`state` is the folded state, `unknown` for a customer who never decided (the catalog default gives `effectiveState`). `effectiveState` is what to act on: withdrawn when the grant expired, a material version requires re-consent, or the purpose is retired. `asOf` is a change marker usable as `since` of `GET /api/purposes/{id}/allowed`.',
        security: bearerSecurity,
        body: {
          type: 'object',
          required: ['purposeId', 'customerIds'],
          additionalProperties: false,
          properties: {
            purposeId: purposeIdSchema,
            customerIds: { type: 'array', maxItems: MAX_CHECK_IDS, items: customerIdSchema },
          },
        },
        response: { 200: checkResponseSchema, ...problemResponses(400, 401, 403, 413) },
      },
      preHandler: requireRole(app, ['service', 'admin', 'csr', 'auditor']),
    },
    async (request, reply) => {
      const { purposeId, customerIds } = request.body
      const catalog = ctx.catalog.current()
      const purpose = findPurpose(catalog, purposeId)
      if (!purpose) return sendProblem(reply, 400, `no purpose ${purposeId}`, 'purposeId')
      // The mark first: every row read is at least as new as it.
      const asOf = await ctx.store.consentStateMark()
      const rows = await ctx.store.consentStates(purposeId, customerIds)
      const body = checkResponseBody(purposeId, asOf, customerIds, rows, purpose, catalog, ctx.now())
      // Already JSON: sent as it is, past the serializer.
      return reply.type('application/json; charset=utf-8').send(body)
    },
  )

  app.get<{ Params: { id: string }; Querystring: { format: ListFormat; since?: number } }>(
    '/api/purposes/:id/allowed',
    {
      schema: {
        tags: ['consents'],
        summary:
          'Every customer the purpose allows contacting now, streamed; with `since`, every change after a mark',
        description: `JSON Lines: a first line \`{purposeId, asOf, since}\`, then \`{customerId, effectiveState, state, conflicted, noticeVersion, decidedAt, expiresAt, changeSeq}\` per customer in id order. CSV: those columns and \`asOf\`, with a header row. The mark is also in the \`${AS_OF_HEADER}\` header; pass it as \`since\` next time to get every customer whose state changed after it, withdrawn ones included. Customers who never decided are not listed.`,
        security: bearerSecurity,
        params: { type: 'object', required: ['id'], properties: { id: purposeIdSchema } },
        querystring: {
          type: 'object',
          properties: {
            format: { type: 'string', enum: [...LIST_FORMATS], default: 'jsonl' },
            since: { type: 'integer', minimum: 0 },
          },
        },
        response: problemResponses(400, 401, 403, 404),
      },
      preHandler: requireRole(app, ['service', 'admin', 'auditor']),
    },
    async (request, reply) => {
      const purposeId = request.params.id
      const { format, since } = request.query
      const catalog = ctx.catalog.current()
      if (!findPurpose(catalog, purposeId)) return sendProblem(reply, 404, `no purpose ${purposeId}`)
      const asOf = await ctx.store.consentStateMark()
      const rows = ctx.store.streamConsentStates(purposeId, {
        pageSize: LIST_PAGE,
        ...(since === undefined ? {} : { sinceChange: since }),
      })
      const body = Readable.from(listLines(rows, { format, purposeId, asOf, since, catalog, now: ctx.now() }))
      return reply
        .type(format === 'jsonl' ? 'application/x-ndjson; charset=utf-8' : 'text/csv; charset=utf-8')
        .header(AS_OF_HEADER, String(asOf))
        .header('content-disposition', `attachment; filename="allowed-${purposeId}-${asOf}.${format}"`)
        .header('cache-control', 'no-store')
        .send(body)
    },
  )
}
