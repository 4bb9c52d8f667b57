import type { NewPurposeBody, NewVersionBody, PublishRefusal } from '@consent-sync/ui'
import { useCallback, useMemo } from 'react'
import { useSession } from './SessionContext'

export interface CatalogAdmin {
  /** Publishes a new purpose, or with `purposeId` a new version of it; the server's refusal, or null. */
  publish(body: NewPurposeBody | NewVersionBody, purposeId?: string): Promise<PublishRefusal | null>
  /** Retires a purpose; the server's refusal, or null. */
  retire(purposeId: string): Promise<PublishRefusal | null>
}

const JSON_HEADERS = { 'content-type': 'application/json' }

/**
 * The administrators' catalog calls (DESIGN.md §12): `POST /api/admin/purposes`,
 * `POST /api/admin/purposes/:id/versions`, `POST /api/admin/purposes/:id/retire`. `onChanged` is
 * told after each one the server accepted.
 */
export function useCatalogAdmin(onChanged: () => void): CatalogAdmin {
  const { request } = useSession()
  const send = useCallback(
    async (path: string, body?: unknown): Promise<PublishRefusal | null> => {
      const res = await request(path, {
        method: 'POST',
        ...(body === undefined ? {} : { headers: JSON_HEADERS, body: JSON.stringify(body) }),
      })
      if (!res.ok) return { message: res.message, field: res.field }
      onChanged()
      return null
    },
    [request, onChanged],
  )
  return useMemo(
    () => ({
      publish: (body, purposeId) =>
        send(
          purposeId === undefined
            ? '/api/admin/purposes'
            : `/api/admin/purposes/${encodeURIComponent(purposeId)}/versions`,
          body,
        ),
      retire: (purposeId) => send(`/api/admin/purposes/${encodeURIComponent(purposeId)}/retire`),
    }),
    [send],
  )
}
