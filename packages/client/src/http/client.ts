/** The consent-sync HTTP API as a downstream system uses it (DESIGN.md §12 "Downstream"). */
import type { AllowedRow, CheckResponse, CheckResult, ConsentsResponse } from '../api.js'
import { ConsentSyncError, errorOf } from './error.js'
import { readJsonLines } from './json-lines.js'

/** The most ids `POST /api/consents/check` takes at once (DESIGN.md §5b). */
export const CHECK_BATCH_SIZE = 10_000

/** The response header of `allowed` that carries the change marker for the next `since`. */
export const AS_OF_HEADER = 'consent-sync-as-of'

export interface ClientOptions {
  /** The server, e.g. `https://consent.example.net` (a path prefix is kept). */
  baseUrl: string | URL
  /** A `service` account's bearer token… */
  token?: string
  /** …or a function asked before every request, for tokens that expire. */
  getToken?: () => string | Promise<string>
  /** Default: the global `fetch`. */
  fetch?: typeof fetch
}

export interface AllowedOptions {
  /** An `asOf` from an earlier `check` or `allowed`: only customers changed since then. */
  since?: string
  format?: 'jsonl'
  signal?: AbortSignal
}

export interface AllowedList {
  /** The change marker this list is current at: the `since` of the next call. */
  asOf: string
  /** The rows as they arrive; iterate once, to the end or `break` (which closes the response). */
  rows: AsyncGenerator<AllowedRow>
}

export interface ConsentSyncClient {
  /** The effective state of `purposeId` for each id, in the order asked (split into batches). */
  check(
    purposeId: string,
    customerIds: readonly string[],
    options?: { signal?: AbortSignal },
  ): Promise<CheckResponse>
  /** The customers allowed for `purposeId`, streamed. */
  allowed(purposeId: string, options?: AllowedOptions): Promise<AllowedList>
  /** Every purpose's state for one customer; `at` (an ISO instant) asks for the state then. */
  consents(customerId: string, options?: { at?: string; signal?: AbortSignal }): Promise<ConsentsResponse>
}

export function createClient(options: ClientOptions): ConsentSyncClient {
  const { token, getToken } = options
  if (token === undefined && getToken === undefined)
    throw new TypeError('createClient needs token or getToken')
  const base = String(options.baseUrl).replace(/\/+$/, '')
  const fetchFn = options.fetch ?? globalThis.fetch

  async function request(path: string, init: RequestInit): Promise<Response> {
    const bearer = token ?? (await getToken!())
    const headers = new Headers(init.headers)
    headers.set('authorization', `Bearer ${bearer}`)
    const response = await fetchFn(`${base}${path}`, { ...init, headers })
    if (!response.ok) throw await errorOf(response)
    return response
  }

  async function json<T>(response: Response): Promise<T> {
    try {
      return (await response.json()) as T
    } catch {
      throw new ConsentSyncError(response.status, {
        error: 'bad-response',
        message: 'the answer is not JSON',
      })
    }
  }

  function signalOf(signal: AbortSignal | undefined): { signal?: AbortSignal } {
    return signal ? { signal } : {}
  }

  return {
    async check(purposeId, customerIds, checkOptions = {}) {
      const results: CheckResult[] = []
      let first: CheckResponse | undefined
      // One batch at a time: the order is kept, and a large list does not flood the server.
      for (let start = 0; start === 0 || start < customerIds.length; start += CHECK_BATCH_SIZE) {
        const batch = customerIds.slice(start, start + CHECK_BATCH_SIZE)
        const response = await request('/api/consents/check', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ purposeId, customerIds: batch }),
          ...signalOf(checkOptions.signal),
        })
        const answer = await json<CheckResponse>(response)
        if (!Array.isArray(answer?.results)) {
          throw new ConsentSyncError(response.status, {
            error: 'bad-response',
            message: 'the answer has no results',
          })
        }
        first ??= answer
        results.push(...answer.results)
      }
      // The first batch's mark is the oldest, so a `since` from it misses no later change.
      return { ...first!, results }
    },

    async allowed(purposeId, allowedOptions = {}) {
      const query = new URLSearchParams({ format: allowedOptions.format ?? 'jsonl' })
      if (allowedOptions.since !== undefined) query.set('since', allowedOptions.since)
      const response = await request(`/api/purposes/${encodeURIComponent(purposeId)}/allowed?${query}`, {
        method: 'GET',
        ...signalOf(allowedOptions.signal),
      })
      const asOf = response.headers.get(AS_OF_HEADER)
      if (asOf === null) {
        await response.body?.cancel()
        throw new ConsentSyncError(response.status, {
          error: 'bad-response',
          message: `the answer has no ${AS_OF_HEADER} header`,
        })
      }
      const body = response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() })
      return { asOf, rows: readJsonLines<AllowedRow>(body, response.status) }
    },

    async consents(customerId, consentsOptions = {}) {
      const query =
        consentsOptions.at === undefined ? '' : `?${new URLSearchParams({ at: consentsOptions.at })}`
      const response = await request(`/api/customers/${encodeURIComponent(customerId)}/consents${query}`, {
        method: 'GET',
        headers: { accept: 'application/json' },
        ...signalOf(consentsOptions.signal),
      })
      return json<ConsentsResponse>(response)
    },
  }
}
