import { DEFAULT_CATALOG, type PurposeCatalog } from '@consent-sync/consent-core'
import { type CatalogState, type CatalogWatch, watchCatalog } from '@consent-sync/sync-client'
import { useEffect, useState } from 'react'
import { apiBase } from './session'

export interface CatalogView {
  /** The server's catalog (or, offline, the cached one) once `loaded`; the bundled one until then. */
  catalog: PurposeCatalog
  loaded: boolean
  /** Publishes arrive as they happen (the catalog's event stream is open). */
  live: boolean
  /** Fetches the catalog now (after this page published, say), without waiting for the stream's event. */
  refresh(): Promise<void>
}

/** One watch per page, shared by every component that reads the catalog, closed when the last one unmounts. */
let shared: { watch: CatalogWatch; users: number } | null = null

function acquire(): CatalogWatch {
  if (!shared) shared = { watch: watchCatalog(apiBase()), users: 0 }
  shared.users++
  return shared.watch
}

function release(watch: CatalogWatch): void {
  if (!shared || shared.watch !== watch) return
  if (--shared.users > 0) return
  shared = null
  watch.close()
}

const viewOf = (s: CatalogState, watch: CatalogWatch): CatalogView => ({
  catalog: s.catalog,
  loaded: s.loaded,
  live: s.live,
  refresh: () => watch.refresh().then(() => undefined),
})

const NOT_YET: CatalogView = {
  catalog: DEFAULT_CATALOG,
  loaded: false,
  live: false,
  refresh: async () => {},
}

/**
 * The live purpose catalog (`watchCatalog` of the sync client): the server's, replaced while the
 * page is open each time the operator publishes or retires, so the page re-renders with it;
 * offline, the cached one (the bundled one only when nothing was ever cached).
 */
export function useCatalog(): CatalogView {
  const [view, setView] = useState<CatalogView>(NOT_YET)
  useEffect(() => {
    const watch = acquire()
    setView(viewOf(watch.store.getState(), watch))
    const unsubscribe = watch.store.subscribe((s) => setView(viewOf(s, watch)))
    return () => {
      unsubscribe()
      release(watch)
    }
  }, [])
  return view
}
