import { DEFAULT_CATALOG, type PurposeCatalog } from '@consent-sync/consent-core'
import { createStore, type StoreApi } from 'zustand/vanilla'
import { backoffDelay } from './backoff'

const CACHE_KEY = 'consent-sync:catalog'

/** The part of `Storage` the caches use (localStorage in a browser). */
export interface KeyValue {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

/** The part of the browser's `EventSource` the catalog watch uses. */
export interface EventSourceLike {
  readonly readyState: number
  onopen: ((this: never, ev: Event) => unknown) | null
  onerror: ((this: never, ev: Event) => unknown) | null
  addEventListener(type: string, listener: (ev: MessageEvent) => void): void
  close(): void
}
export type EventSourceClass = new (url: string) => EventSourceLike

/** EventSource.CLOSED: the browser gave up on the stream (an HTTP error, say) and will not retry. */
const CLOSED = 2

/** Where the catalog on show came from. */
export type CatalogSource = 'server' | 'cache' | 'bundled'

export interface CatalogState {
  catalog: PurposeCatalog
  source: CatalogSource
  /** A catalog worth showing is in: the server's, a cached one, or (offline, nothing cached) the bundled one. */
  loaded: boolean
  /** The publish stream is open: a new catalog arrives as it is published. */
  live: boolean
}

export interface CatalogWatchOptions {
  storage?: KeyValue | undefined
  /** Default: the global `EventSource`; without one the catalog is fetched once and not watched. */
  EventSource?: EventSourceClass | undefined
  fetch?: typeof fetch
  /** Delay before reopening a stream the browser gave up on (default: `backoffDelay`). */
  retryDelay?: (attempt: number) => number
}

/** The live purpose catalog: the server's, re-fetched on every publish, cached for offline use. */
export interface CatalogWatch {
  readonly store: StoreApi<CatalogState>
  /** Called with each catalog that differs from the one before; returns the unsubscribe. */
  onChange(listener: (catalog: PurposeCatalog) => void): () => void
  /** Fetches `GET /api/purposes` now; the current catalog when the server cannot be reached. */
  refresh(): Promise<PurposeCatalog>
  close(): void
}

function readCache(storage: KeyValue | undefined): PurposeCatalog | null {
  try {
    const cached = storage?.getItem(CACHE_KEY)
    return cached ? (JSON.parse(cached) as PurposeCatalog) : null
  } catch {
    return null
  }
}

function writeCache(storage: KeyValue | undefined, catalog: PurposeCatalog): void {
  try {
    storage?.setItem(CACHE_KEY, JSON.stringify(catalog))
  } catch {
    // Storage full or blocked: the catalog still shows, it is only not kept for offline use.
  }
}

async function fetchCatalog(httpBase: string, fetcher: typeof fetch): Promise<PurposeCatalog> {
  const res = await fetcher(`${httpBase}/api/purposes`)
  if (!res.ok) throw new Error(`GET /api/purposes: ${res.status}`)
  return (await res.json()) as PurposeCatalog
}

/**
 * The purpose catalog from `GET /api/purposes`, cached for offline use; offline with no cache,
 * the catalog bundled with consent-core.
 */
export async function loadCatalog(
  httpBase: string,
  storage: KeyValue | undefined = globalThis.localStorage,
): Promise<PurposeCatalog> {
  try {
    const catalog = await fetchCatalog(httpBase, fetch)
    writeCache(storage, catalog)
    return catalog
  } catch {
    return readCache(storage) ?? DEFAULT_CATALOG
  }
}

/**
 * Watches the catalog (DESIGN.md §4): fetches it, then re-fetches and re-caches it on every
 * `catalog` event of `GET /api/purposes/events` (one comes on every connect, so a reconnect
 * catches up on what was published meanwhile). Offline it keeps the cached catalog; the bundled
 * one only when nothing was ever cached.
 */
export function watchCatalog(httpBase: string, options: CatalogWatchOptions = {}): CatalogWatch {
  const storage = 'storage' in options ? options.storage : globalThis.localStorage
  const fetcher = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args))
  const Source = 'EventSource' in options ? options.EventSource : globalThis.EventSource
  const retryDelay = options.retryDelay ?? backoffDelay
  const cached = readCache(storage)
  const store = createStore<CatalogState>()(() => ({
    catalog: cached ?? DEFAULT_CATALOG,
    source: cached ? 'cache' : 'bundled',
    loaded: cached !== null,
    live: false,
  }))
  const listeners = new Set<(catalog: PurposeCatalog) => void>()
  let shown = JSON.stringify(store.getState().catalog)
  let issued = 0
  let applied = 0
  let closed = false
  let source: EventSourceLike | null = null
  let reopenTimer: ReturnType<typeof setTimeout> | undefined
  let attempts = 0

  const refresh = async (): Promise<PurposeCatalog> => {
    const mine = ++issued
    try {
      const catalog = await fetchCatalog(httpBase, fetcher)
      // An answer to an older request that comes after a newer one's is stale.
      if (closed || mine < applied) return store.getState().catalog
      applied = mine
      writeCache(storage, catalog)
      const json = JSON.stringify(catalog)
      if (json === shown) {
        store.setState({ source: 'server', loaded: true })
        return store.getState().catalog
      }
      shown = json
      store.setState({ catalog, source: 'server', loaded: true })
      for (const listener of listeners) listener(catalog)
      return catalog
    } catch {
      if (!closed) store.setState({ loaded: true })
      return store.getState().catalog
    }
  }

  const open = () => {
    if (closed || !Source) return
    const es = new Source(`${httpBase}/api/purposes/events`)
    source = es
    es.onopen = () => {
      attempts = 0
      store.setState({ live: true })
    }
    es.addEventListener('catalog', () => void refresh())
    es.onerror = () => {
      store.setState({ live: false })
      // While CONNECTING the browser retries by itself; CLOSED it has given up, so reopen later.
      if (es.readyState !== CLOSED || closed) return
      es.close()
      reopenTimer = setTimeout(open, retryDelay(attempts++))
    }
  }

  void refresh()
  open()

  return {
    store,
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    refresh,
    close() {
      closed = true
      clearTimeout(reopenTimer)
      source?.close()
      store.setState({ live: false })
      listeners.clear()
    },
  }
}
