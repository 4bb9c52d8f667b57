import { DEFAULT_CATALOG, type PurposeCatalog } from '@consent-sync/consent-core'
import { loadCatalog } from '@consent-sync/sync-client'
import { useEffect, useState } from 'react'
import { apiBase } from './session'

export interface CatalogView {
  /** The server's catalog once `loaded`; the bundled one until then. */
  catalog: PurposeCatalog
  loaded: boolean
}

/** The purpose catalog from the server; offline, `loadCatalog` answers from its cache (or the bundled one). */
export function useCatalog(): CatalogView {
  const [view, setView] = useState<CatalogView>({ catalog: DEFAULT_CATALOG, loaded: false })
  useEffect(() => {
    let live = true
    void loadCatalog(apiBase()).then((catalog) => {
      if (live) setView({ catalog, loaded: true })
    })
    return () => {
      live = false
    }
  }, [])
  return view
}
