import { DEFAULT_CATALOG, type PurposeCatalog } from '@consent-sync/consent-core'

const CACHE_KEY = 'consent-sync:catalog'

interface KeyValue {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
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
    const res = await fetch(`${httpBase}/api/purposes`)
    if (!res.ok) throw new Error(`GET /api/purposes: ${res.status}`)
    const catalog = (await res.json()) as PurposeCatalog
    storage?.setItem(CACHE_KEY, JSON.stringify(catalog))
    return catalog
  } catch {
    const cached = storage?.getItem(CACHE_KEY)
    return cached ? (JSON.parse(cached) as PurposeCatalog) : DEFAULT_CATALOG
  }
}
