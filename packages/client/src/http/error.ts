import type { Problem } from '../api.js'

/**
 * The server's `error` vocabulary (DESIGN.md §5b), plus `bad-response` for an answer that is not
 * what the API documents (a proxy's HTML page, a broken stream).
 */
export type ConsentSyncErrorCode =
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
  | 'bad-response'
  | (string & {})

/** A request the server refused or could not answer: its status and problem body. */
export class ConsentSyncError extends Error {
  override readonly name = 'ConsentSyncError'
  readonly status: number
  readonly error: ConsentSyncErrorCode
  readonly field: string | undefined

  constructor(status: number, problem: Problem) {
    super(problem.message)
    this.status = status
    this.error = problem.error
    this.field = problem.field
  }
}

/** The error of a non-2xx response, from its `{error, message, field?}` body when it has one. */
export async function errorOf(response: Response): Promise<ConsentSyncError> {
  const text = await response.text().catch(() => '')
  try {
    const body: unknown = JSON.parse(text)
    if (typeof body === 'object' && body !== null) {
      const { error, message, field } = body as Record<string, unknown>
      if (typeof error === 'string' && typeof message === 'string') {
        return new ConsentSyncError(response.status, {
          error,
          message,
          ...(typeof field === 'string' ? { field } : {}),
        })
      }
    }
  } catch {
    // Not JSON: described below.
  }
  const detail = text.trim().slice(0, 200)
  return new ConsentSyncError(response.status, {
    error: 'bad-response',
    message: `${response.status} ${response.statusText}${detail ? `: ${detail}` : ''}`,
  })
}
