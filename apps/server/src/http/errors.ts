import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify'

/** The `error` field of every HTTP problem (DESIGN.md §5b): a fixed vocabulary, never free text. */
export type ProblemCode =
  | 'bad-request'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'too-many-requests'
  | 'unavailable'
  | 'internal'

export interface Problem {
  error: ProblemCode
  message: string
  field?: string
}

const CODE_BY_STATUS: Readonly<Record<number, ProblemCode>> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'too-many-requests',
  503: 'unavailable',
}

/** JSON schema of a problem, for route `response` sections (and the API reference). */
export const problemSchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string' },
    message: { type: 'string' },
    field: { type: 'string' },
  },
} as const

/** The problem responses a route may answer with, by status. */
export function problemResponses(...statuses: number[]): Record<number, typeof problemSchema> {
  return Object.fromEntries(statuses.map((s) => [s, problemSchema]))
}

export function sendProblem(
  reply: FastifyReply,
  status: number,
  message: string,
  field?: string,
): FastifyReply {
  const body: Problem = { error: CODE_BY_STATUS[status] ?? 'internal', message }
  if (field !== undefined) body.field = field
  return reply.code(status).type('application/json; charset=utf-8').send(body)
}

interface ValidationItem {
  instancePath?: string
  keyword?: string
  params?: Record<string, unknown>
}

/** The name of the offending field of a schema validation error (`from`, `user.name`), if any. */
export function fieldOf(validation: readonly ValidationItem[] | undefined): string | undefined {
  const first = validation?.[0]
  if (!first) return undefined
  const params = first.params ?? {}
  const path = (first.instancePath ?? '').split('/').filter(Boolean)
  // `required` and `additionalProperties` report the parent object; the field is in params.
  if (typeof params.missingProperty === 'string') path.push(params.missingProperty)
  else if (typeof params.additionalProperty === 'string') path.push(params.additionalProperty)
  return path.length > 0 ? path.join('.') : undefined
}

/**
 * Maps every error to `{error, message, field?}` (DESIGN.md §10): schema validation to 400
 * naming the field, other client errors by status, anything else to a bare 500 — the stack
 * and the message of an unexpected error go to the log only.
 */
export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      const field = fieldOf(error.validation)
      return sendProblem(reply, 400, error.message, field)
    }
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) {
      return sendProblem(reply, status, error.message)
    }
    request.log.error({ err: error }, 'request failed')
    return sendProblem(reply, status === 503 ? 503 : 500, 'internal server error')
  })

  app.setNotFoundHandler((request, reply) => {
    // The path only: the query string may hold a token.
    const path = request.url.split('?')[0] ?? ''
    return sendProblem(reply, 404, `no route ${request.method} ${path}`)
  })
}
