/** The signed-in user and their token, kept in localStorage per app (docs/ui-contract.md). */
export interface Session {
  token: string
  expiresAt: string
  user: { id: string; role: string; name: string; customerId?: string }
}

/** Where the HTTP API lives: the page's own origin. */
export function apiBase(): string {
  return ''
}

/** The sync endpoint on the page's host: `ws(s)://host/sync`. */
export function syncUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}/sync`
}

/** One session per app: keyed by the page's base path (`/customer/`, `/csr/`). */
function defaultKey(): string {
  const base = typeof location === 'undefined' ? '/' : new URL('./', location.href).pathname
  return `consent-sync:session:${base}`
}

function isSession(value: unknown): value is Session {
  const s = value as Partial<Session> | null
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.token === 'string' &&
    typeof s.expiresAt === 'string' &&
    typeof s.user?.id === 'string' &&
    typeof s.user.role === 'string' &&
    typeof s.user.name === 'string'
  )
}

/** The saved session, even an expired one: offline, the dashboard still opens from IndexedDB. */
export function loadSession(key = defaultKey()): Session | null {
  try {
    const raw = localStorage.getItem(key)
    const parsed: unknown = raw ? JSON.parse(raw) : null
    return isSession(parsed) ? parsed : null
  } catch {
    return null
  }
}

export function saveSession(session: Session, key = defaultKey()): void {
  localStorage.setItem(key, JSON.stringify(session))
}

export function clearSession(key = defaultKey()): void {
  localStorage.removeItem(key)
}

async function problemMessage(res: Response, fallback: string): Promise<string> {
  try {
    const body = (await res.json()) as { message?: unknown }
    return typeof body.message === 'string' ? body.message : fallback
  } catch {
    return fallback
  }
}

/**
 * `POST /api/auth/login`. Rejects with an Error whose message a person can read (LoginForm shows it):
 * the server's message on 401/400, a network message when offline.
 */
export async function login(username: string, password: string): Promise<Session> {
  let res: Response
  try {
    res = await fetch(`${apiBase()}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    })
  } catch {
    throw new Error('Could not reach the server. Check your connection and try again.')
  }
  if (res.status === 401) {
    const message = await problemMessage(res, '')
    throw new Error(
      /disabled/.test(message)
        ? 'This account is disabled. Ask an administrator to enable it.'
        : 'Unknown username or wrong password.',
    )
  }
  if (!res.ok) throw new Error(await problemMessage(res, `Sign-in failed (${res.status}).`))
  const session: unknown = await res.json()
  if (!isSession(session)) throw new Error('The server sent an unexpected answer.')
  return session
}

/**
 * `POST /api/auth/refresh` with the session's token; saves the new session and returns its token
 * (the shape `openConsentDoc`'s `getToken` wants). Mutates `session` so later refreshes use the new token.
 */
export async function refreshSession(session: Session, key = defaultKey()): Promise<string> {
  const res = await fetch(`${apiBase()}/api/auth/refresh`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.token}` },
  })
  if (!res.ok) throw new Error(await problemMessage(res, `Token refresh failed (${res.status}).`))
  const next: unknown = await res.json()
  if (!isSession(next)) throw new Error('The server sent an unexpected answer.')
  Object.assign(session, next)
  saveSession(next, key)
  return next.token
}

/**
 * A token handed to the page in its URL fragment — `#access_token=<JWT>`, as an identity
 * provider's redirect or the operator's app delivers one — taken off the URL at once (so it is
 * neither bookmarked nor sent on), or null when the fragment holds none.
 */
export function takeFragmentToken(): string | null {
  if (typeof location === 'undefined') return null
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''))
  const token = fragment.get('access_token') ?? fragment.get('id_token')
  if (!token) return null
  history.replaceState(null, '', `${location.pathname}${location.search}`)
  return token
}

/**
 * `GET /api/auth/session` with a token the page was handed: the session it stands for, checked by
 * the server (signature, issuer, audience, role). Rejects with a message a person can read.
 */
export async function sessionForToken(token: string): Promise<Session> {
  let res: Response
  try {
    res = await fetch(`${apiBase()}/api/auth/session`, { headers: { authorization: `Bearer ${token}` } })
  } catch {
    throw new Error('Could not reach the server. Check your connection and try again.')
  }
  if (!res.ok) throw new Error(await problemMessage(res, `Sign-in failed (${res.status}).`))
  const session: unknown = await res.json()
  if (!isSession(session)) throw new Error('The server sent an unexpected answer.')
  return session
}
