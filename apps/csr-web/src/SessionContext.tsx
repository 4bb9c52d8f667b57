import { clearSession, refreshSession, type Session } from '@consent-sync/react'
import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef } from 'react'
import { type ApiResult, apiResponse } from './apiRequest'

export interface SessionApi {
  session: Session
  /** A token fetched afresh from the server (after a 401, or for a reconnecting feed). */
  refreshToken(): Promise<string | null>
  /** A bearer request; on 401 the token is refreshed once and the request retried. */
  request(path: string, init?: RequestInit): Promise<ApiResult<Response>>
  /** Like `request`, parsing the JSON body. */
  getJson<T>(path: string): Promise<ApiResult<T>>
  logout(): void
  /** The server no longer accepts this session (disabled account, ended session): back to sign-in, saying so. */
  sessionEnded(): void
}

/** Why a session closed without the person signing out. */
export type SessionEnd = 'ended'

const SessionContext = createContext<SessionApi | null>(null)

interface Props {
  session: Session
  onChange(session: Session | null, end?: SessionEnd): void
  children: ReactNode
}

/** The signed-in agent and authenticated API calls for everything below it. */
export function SessionProvider({ session, onChange, children }: Props) {
  // Requests started before a refresh must use the newest token, not the one they closed over.
  const current = useRef(session)
  current.current = session

  const refreshToken = useCallback(async () => {
    // refreshSession updates the object it is given and saves it; a copy keeps React state immutable.
    const next: Session = { ...current.current, user: { ...current.current.user } }
    try {
      await refreshSession(next)
    } catch {
      return null
    }
    current.current = next
    onChange(next)
    return next.token
  }, [onChange])

  const request = useCallback(
    async (path: string, init?: RequestInit): Promise<ApiResult<Response>> => {
      const first = await apiResponse(path, current.current.token, init)
      if (first.ok || first.reason !== 'unauthorized') return first
      const token = await refreshToken()
      if (!token) {
        clearSession()
        onChange(null, 'ended')
        return first
      }
      return apiResponse(path, token, init)
    },
    [refreshToken, onChange],
  )

  const getJson = useCallback(
    async <T,>(path: string): Promise<ApiResult<T>> => {
      const res = await request(path)
      if (!res.ok) return res
      return { ok: true, value: (await res.value.json()) as T }
    },
    [request],
  )

  const logout = useCallback(() => {
    clearSession()
    onChange(null)
  }, [onChange])

  const sessionEnded = useCallback(() => {
    clearSession()
    onChange(null, 'ended')
  }, [onChange])

  const api = useMemo<SessionApi>(
    () => ({ session, refreshToken, request, getJson, logout, sessionEnded }),
    [session, refreshToken, request, getJson, logout, sessionEnded],
  )
  return <SessionContext.Provider value={api}>{children}</SessionContext.Provider>
}

export function useSession(): SessionApi {
  const api = useContext(SessionContext)
  if (!api) throw new Error('useSession outside SessionProvider')
  return api
}
