import { apiBase } from '@consent-sync/react'

/** Why an API call failed, as the dashboard tells it. */
export type ApiFailure =
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'bad-request'
  | 'conflict'
  | 'server'
  | 'network'

/** A refused call: why, the server's message, and the request field it names (a 400's `field`). */
export interface ApiRefusal {
  ok: false
  reason: ApiFailure
  message: string
  field?: string
}

export type ApiResult<T> = { ok: true; value: T } | ApiRefusal

const REASON_BY_STATUS: Readonly<Record<number, ApiFailure>> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
}

/** A failed response as a value, with the server's `{message, field}` when it sent them (DESIGN.md §5b). */
export async function failureOf(res: Response): Promise<ApiRefusal> {
  let message = `${res.status} ${res.statusText}`
  let field: string | undefined
  try {
    const body = (await res.json()) as { message?: unknown; field?: unknown }
    if (typeof body.message === 'string') message = body.message
    if (typeof body.field === 'string') field = body.field
  } catch {
    // Not JSON (a proxy's error page): the status line will do.
  }
  return {
    ok: false,
    reason: REASON_BY_STATUS[res.status] ?? 'server',
    message,
    ...(field !== undefined ? { field } : {}),
  }
}

/** `GET` (or any method) on the API with a bearer token; the raw response when it is OK. */
export async function apiResponse(
  path: string,
  token: string,
  init: RequestInit = {},
): Promise<ApiResult<Response>> {
  let res: Response
  try {
    res = await fetch(`${apiBase()}${path}`, {
      ...init,
      headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` },
    })
  } catch {
    return { ok: false, reason: 'network', message: 'The server cannot be reached. Check the connection.' }
  }
  return res.ok ? { ok: true, value: res } : failureOf(res)
}

/** A JSON query string without the keys whose value is empty. */
export function queryString(params: Readonly<Record<string, string | number | undefined>>): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value))
  }
  const s = search.toString()
  return s ? `?${s}` : ''
}
