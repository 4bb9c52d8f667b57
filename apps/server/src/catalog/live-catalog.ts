import { catalogOf, type PurposeCatalog, recordsOf } from '@consent-sync/consent-core'
import type { CatalogStore } from '../store/catalog-store'

/** Who the seeded catalog is attributed to in the admin log. */
export const SEED_ACTOR = { actorId: 'consent-sync', actorRole: 'system' } as const

/**
 * The purpose catalog this instance judges and serves, read from the store (consent-core SPEC
 * 1.6): rebuilt after every publish here, and when another instance says it published.
 * `current()` never waits: a room judges with what was read last.
 */
export interface LiveCatalog {
  current(): PurposeCatalog
  /** Reads the catalog from the store again; listeners hear of it when it changed. */
  reload(): Promise<PurposeCatalog>
  /** Called with the new catalog after each change; returns the unsubscribe. */
  onChange(listener: (catalog: PurposeCatalog) => void): () => void
}

export async function openLiveCatalog(store: CatalogStore): Promise<LiveCatalog> {
  const listeners = new Set<(catalog: PurposeCatalog) => void>()
  const read = async () => catalogOf(await store.listPurposes(), await store.listVersions())
  let catalog = await read()
  return {
    current: () => catalog,
    async reload() {
      const next = await read()
      // The version names the content (consent-core catalogOf): unchanged, nobody is told.
      if (next.version !== catalog.version) {
        catalog = next
        for (const l of listeners) l(catalog)
      }
      return catalog
    },
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

/**
 * Demo mode's catalog: `catalog` (today's compiled one) published into an empty store, each
 * purpose and version recorded in the admin log. A store holding any purpose is left as it is.
 * Seeded with consent-core's `DEFAULT_CATALOG_PUBLISHED_AT`, the catalog read back is exactly
 * consent-core's `DEFAULT_CATALOG`, which clients bundle for a first start offline.
 */
export async function seedCatalog(store: CatalogStore, catalog: PurposeCatalog, at: string): Promise<void> {
  if ((await store.listPurposes()).length > 0) return
  const { purposes, versions } = recordsOf(catalog, at, SEED_ACTOR.actorId)
  for (const [i, purpose] of purposes.entries()) {
    const first = versions[i]!
    await store.createPurpose(purpose, first, {
      action: 'purpose.create',
      target: `purpose:${purpose.id}`,
      ...SEED_ACTOR,
      at,
      details: { version: first.version, textHash: first.textHash, seeded: true },
    })
  }
}

/**
 * Keeps `catalog` current with what other instances publish: read again when one says so (the
 * fan-out), after the fan-out was down (what was said meanwhile is lost), and every `intervalMs`
 * when the store is shared (0: this instance is the only writer). Returns the stop.
 */
export function followCatalog(
  catalog: LiveCatalog,
  fanout: { onCatalogChanged(l: () => void): void; onResume(l: () => void): void },
  intervalMs: number,
  log: { warn(obj: object, msg: string): void },
): () => void {
  const reload = () =>
    void catalog.reload().catch((err: unknown) => log.warn({ err }, 'reading the purpose catalog failed'))
  fanout.onCatalogChanged(reload)
  fanout.onResume(reload)
  if (intervalMs <= 0) return () => {}
  const timer = setInterval(reload, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
