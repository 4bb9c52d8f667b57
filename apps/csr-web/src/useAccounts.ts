import type { Account, AccountRefusal, NewAccountBody } from '@consent-sync/ui'
import { useCallback, useMemo } from 'react'
import type { ApiFailure } from './apiRequest'
import { useSession } from './SessionContext'
import { useAdminList } from './useAdminList'

export interface AccountsView {
  /** By username. */
  accounts: Account[]
  loading: boolean
  error: string | null
  create(body: NewAccountBody): Promise<AccountRefusal | null>
  setDisabled(username: string, disabled: boolean): Promise<AccountRefusal | null>
  setPassword(username: string, password: string): Promise<AccountRefusal | null>
}

const JSON_HEADERS = { 'content-type': 'application/json' }

const userPath = (username: string) => `/api/admin/users/${encodeURIComponent(username)}`

/** What to do about a refusal that the server's message alone does not say. */
const NEXT_STEP: Partial<Record<ApiFailure, string>> = {
  forbidden: 'Only administrators manage accounts.',
  server: 'Try again in a moment.',
}

/** The server's lower-case message as a sentence, with what to do next where it helps. */
export function refusalText(message: string, reason: ApiFailure): string {
  const sentence = message.charAt(0).toUpperCase() + message.slice(1)
  const ended = /[.!?]$/.test(sentence) ? sentence : `${sentence}.`
  const next = NEXT_STEP[reason]
  return next ? `${ended} ${next}` : ended
}

/**
 * Built-in accounts (DESIGN.md §12): `GET /api/admin/users`, and creating, disabling, enabling and
 * setting a password. After each accepted change the list reloads and `onChanged` is told (the
 * admin log reloads).
 */
export function useAccounts(onChanged: () => void): AccountsView {
  const { request } = useSession()
  const {
    items: accounts,
    loading,
    error,
    reload,
  } = useAdminList('/api/admin/users', (b: { users: Account[] }) =>
    [...b.users].sort((a, c) => a.username.localeCompare(c.username)),
  )

  const send = useCallback(
    async (path: string, body: unknown): Promise<AccountRefusal | null> => {
      const res = await request(path, {
        method: 'POST',
        ...(body === undefined ? {} : { headers: JSON_HEADERS, body: JSON.stringify(body) }),
      })
      if (!res.ok) return { message: refusalText(res.message, res.reason), field: res.field }
      reload()
      onChanged()
      return null
    },
    [request, onChanged, reload],
  )

  return useMemo(
    () => ({
      accounts,
      loading,
      error,
      create: (body) => send('/api/admin/users', body),
      setDisabled: (username, disabled) =>
        send(`${userPath(username)}/${disabled ? 'disable' : 'enable'}`, undefined),
      setPassword: (username, password) => send(`${userPath(username)}/password`, { password }),
    }),
    [accounts, loading, error, send],
  )
}
