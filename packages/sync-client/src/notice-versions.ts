import type { NoticeVersion } from '@consent-sync/consent-core'
import type { KeyValue } from './catalog'

/** Why the texts of a published version are not at hand. */
export type NoticeVersionFailure = 'not-found' | 'unreachable'

export type NoticeVersionResult =
  | { ok: true; value: NoticeVersion }
  | { ok: false; reason: NoticeVersionFailure; message: string }

export interface NoticeVersionOptions {
  storage?: KeyValue | undefined
  fetch?: typeof fetch
}

const cacheKey = (purposeId: string, version: string) => `consent-sync:notice:${purposeId}@${version}`

/**
 * The exact texts of one published version of a purpose's notice
 * (`GET /api/purposes/:id/versions/:version`). A published version never changes (consent-core
 * SPEC 1.6), so once fetched it is kept for good, and read from the cache offline.
 */
export async function loadNoticeVersion(
  httpBase: string,
  purposeId: string,
  version: string,
  options: NoticeVersionOptions = {},
): Promise<NoticeVersionResult> {
  const storage = 'storage' in options ? options.storage : globalThis.localStorage
  const key = cacheKey(purposeId, version)
  try {
    const cached = storage?.getItem(key)
    if (cached) return { ok: true, value: JSON.parse(cached) as NoticeVersion }
  } catch {
    // A blocked storage or a damaged entry: ask the server.
  }
  const fetcher = options.fetch ?? fetch
  let res: Response
  try {
    res = await fetcher(
      `${httpBase}/api/purposes/${encodeURIComponent(purposeId)}/versions/${encodeURIComponent(version)}`,
    )
  } catch {
    return { ok: false, reason: 'unreachable', message: 'The server cannot be reached.' }
  }
  if (res.status === 404) {
    return { ok: false, reason: 'not-found', message: `No version ${version} of ${purposeId} is published.` }
  }
  if (!res.ok) return { ok: false, reason: 'unreachable', message: `The server answered ${res.status}.` }
  let value: NoticeVersion
  try {
    value = (await res.json()) as NoticeVersion
  } catch {
    return { ok: false, reason: 'unreachable', message: 'The server sent an unreadable answer.' }
  }
  try {
    storage?.setItem(key, JSON.stringify(value))
  } catch {
    // Not kept for offline use; shown all the same.
  }
  return { ok: true, value }
}
