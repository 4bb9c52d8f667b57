import { DEFAULT_CATALOG, type PurposeCatalog } from '@consent-sync/consent-core'
import { loadCatalog } from '@consent-sync/sync-client'
import { apiBase } from '@consent-sync/ui'
import { useEffect, useState } from 'react'

/** The purpose catalog from the server (cached for offline use), the bundled one until it arrives. */
export function useCatalog(): { catalog: PurposeCatalog; loaded: boolean } {
  const [state, setState] = useState({ catalog: DEFAULT_CATALOG, loaded: false })
  useEffect(() => {
    let live = true
    loadCatalog(apiBase()).then((catalog) => {
      if (live) setState({ catalog, loaded: true })
    })
    return () => {
      live = false
    }
  }, [])
  return state
}
