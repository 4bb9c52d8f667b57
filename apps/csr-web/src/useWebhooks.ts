import type {
  DeliveryStatus,
  NewWebhookBody,
  RotateAnswer,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookRefusal,
} from '@consent-sync/ui'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { ApiFailure } from './apiRequest'
import { useSession } from './SessionContext'
import { refusalText } from './useAccounts'
import { useAdminList } from './useAdminList'

const JSON_HEADERS = { 'content-type': 'application/json' }
const hookPath = (id: string) => `/api/admin/webhooks/${encodeURIComponent(id)}`

/** A created endpoint and its secret, shown once. */
export type CreateAnswer =
  | { ok: true; secret: string; endpoint: WebhookEndpoint }
  | ({ ok: false } & WebhookRefusal)

export interface WebhooksView {
  /** Newest first. */
  endpoints: WebhookEndpoint[]
  loading: boolean
  error: string | null
  create(body: NewWebhookBody): Promise<CreateAnswer>
  setEnabled(id: string, enabled: boolean): Promise<WebhookRefusal | null>
  rotate(id: string): Promise<RotateAnswer>
  remove(id: string): Promise<WebhookRefusal | null>
  replay(id: string, eventId: string): Promise<{ count: number } | ({ ok: false } & WebhookRefusal)>
  replaySince(id: string, since: string): Promise<{ count: number } | ({ ok: false } & WebhookRefusal)>
}

const refused = (message: string, reason: ApiFailure, field?: string) => ({
  ok: false as const,
  message: refusalText(message, reason),
  field,
})

/**
 * Webhook endpoints (DESIGN.md §12 "Downstream"): `GET /api/admin/webhooks` and registering,
 * enabling, disabling, rotating, deleting and replaying. After each accepted change the list
 * reloads and `onChanged` is told (the admin log reloads).
 */
export function useWebhooks(onChanged: () => void): WebhooksView {
  const { request } = useSession()
  const {
    items: endpoints,
    loading,
    error,
    reload,
  } = useAdminList('/api/admin/webhooks', (b: { endpoints: WebhookEndpoint[] }) =>
    [...b.endpoints].sort((a, c) => c.createdAt.localeCompare(a.createdAt)),
  )

  const send = useCallback(
    async <T>(path: string, method: string, body?: unknown) => {
      const res = await request(path, {
        method,
        ...(body === undefined ? {} : { headers: JSON_HEADERS, body: JSON.stringify(body) }),
      })
      if (!res.ok) return refused(res.message, res.reason, res.field)
      const value = (res.value.status === 204 ? null : await res.value.json()) as T
      reload()
      onChanged()
      return { ok: true as const, value }
    },
    [request, onChanged, reload],
  )

  return useMemo<WebhooksView>(() => {
    type Secret = { secret: string; endpoint: WebhookEndpoint }
    const withSecret = (r: Awaited<ReturnType<typeof send<Secret>>>) =>
      r.ok ? { ok: true as const, secret: r.value.secret, endpoint: r.value.endpoint } : r
    const refusalOnly = (r: { ok: boolean; message?: string; field?: string | undefined }) =>
      r.ok ? null : { message: r.message ?? '', field: r.field }
    const counted = (r: Awaited<ReturnType<typeof send<{ count: number }>>>) =>
      r.ok ? { count: r.value.count } : r
    return {
      endpoints,
      loading,
      error,
      create: async (body) => withSecret(await send<Secret>('/api/admin/webhooks', 'POST', body)),
      setEnabled: async (id, enabled) => refusalOnly(await send(hookPath(id), 'PATCH', { enabled })),
      rotate: async (id) => withSecret(await send<Secret>(`${hookPath(id)}/rotate-secret`, 'POST')),
      remove: async (id) => refusalOnly(await send(hookPath(id), 'DELETE')),
      replay: async (id, eventId) =>
        counted(
          await send<{ count: number }>(
            `${hookPath(id)}/deliveries/${encodeURIComponent(eventId)}/replay`,
            'POST',
          ),
        ),
      replaySince: async (id, since) =>
        counted(await send<{ count: number }>(`${hookPath(id)}/replay`, 'POST', { since })),
    }
  }, [endpoints, loading, error, send])
}

/**
 * One endpoint's deliveries of one status, newest first; reloads when `refreshKey` changes and
 * every few seconds while pending ones may still change.
 */
export function useDeliveries(endpointId: string | null, status: DeliveryStatus, refreshKey: number) {
  const { getJson } = useSession()
  const [view, setView] = useState<{ deliveries: WebhookDelivery[]; loading: boolean; error: string | null }>(
    {
      deliveries: [],
      loading: false,
      error: null,
    },
  )
  const [tick, setTick] = useState(0)
  const generation = useRef(0)
  const shown = useRef('')

  useEffect(() => {
    if (endpointId === null) return
    // Deliveries change on the server's schedule, not this page's: look again every few seconds.
    const timer = setInterval(() => setTick((n) => n + 1), POLL_MS)
    return () => clearInterval(timer)
  }, [endpointId])

  // biome-ignore lint/correctness/useExhaustiveDependencies: refreshKey and tick are triggers
  useEffect(() => {
    if (endpointId === null) return
    const mine = ++generation.current
    // Another endpoint or tab: its rows, not the last one's, once they come.
    const key = `${endpointId} ${status}`
    const same = shown.current === key
    shown.current = key
    setView((v) => ({ ...v, deliveries: same ? v.deliveries : [], loading: true }))
    getJson<{ deliveries: WebhookDelivery[] }>(`${hookPath(endpointId)}/deliveries?status=${status}`).then(
      (res) => {
        if (mine !== generation.current) return
        setView(
          res.ok
            ? { deliveries: res.value.deliveries, loading: false, error: null }
            : { deliveries: [], loading: false, error: refusalText(res.message, res.reason) },
        )
      },
    )
  }, [getJson, endpointId, status, refreshKey, tick])

  return view
}

const POLL_MS = 2000
