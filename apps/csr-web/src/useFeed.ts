import { apiBase } from '@consent-sync/react'
import { backoffDelay } from '@consent-sync/sync-client'
import { useEffect, useRef, useState } from 'react'
import { type FeedItem, parseFeedEvent } from './feedEvent'
import { useSession } from './SessionContext'

export const FEED_CAP = 200

export type FeedStatus = 'connecting' | 'live' | 'reconnecting'

/**
 * The live feed (`GET /api/feed`, server-sent events), newest first, at most FEED_CAP items.
 * EventSource retries a dropped stream by itself; when it gives up (401 after the token expired,
 * server gone) the feed reopens with a refreshed token after a backoff. Either way the server
 * replays what came after the last event seen, so nothing decided meanwhile is missing.
 */
export function useFeed(): { items: FeedItem[]; status: FeedStatus } {
  const { session, refreshToken } = useSession()
  const [items, setItems] = useState<FeedItem[]>([])
  const [status, setStatus] = useState<FeedStatus>('connecting')
  // The first token opens the stream; later ones come from refreshToken, so a refresh does not reopen it.
  const firstToken = useRef(session.token)

  useEffect(() => {
    let source: EventSource | null = null
    let timer: ReturnType<typeof setTimeout> | undefined
    let attempts = 0
    let stopped = false
    // EventSource sends Last-Event-ID when it retries by itself; a reopened stream asks by query.
    let lastEventId = ''

    const open = (token: string) => {
      const since = lastEventId ? `&lastEventId=${encodeURIComponent(lastEventId)}` : ''
      source = new EventSource(`${apiBase()}/api/feed?token=${encodeURIComponent(token)}${since}`)
      source.onopen = () => {
        attempts = 0
        setStatus('live')
      }
      source.onmessage = (message) => {
        const event = parseFeedEvent(message.data as string)
        if (!event) return
        if (message.lastEventId) lastEventId = message.lastEventId
        const key = message.lastEventId || event.consent.decisionId
        setItems((prev) =>
          prev.some((i) => i.key === key) ? prev : [{ key, event }, ...prev].slice(0, FEED_CAP),
        )
      }
      source.onerror = () => {
        setStatus('reconnecting')
        if (source?.readyState !== EventSource.CLOSED) return
        source.close()
        timer = setTimeout(async () => {
          const fresh = await refreshToken()
          if (!stopped) open(fresh ?? firstToken.current)
        }, backoffDelay(attempts++))
      }
    }
    open(firstToken.current)
    return () => {
      stopped = true
      clearTimeout(timer)
      source?.close()
    }
  }, [refreshToken])

  return { items, status }
}
