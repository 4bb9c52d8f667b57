import {
  COMPILED_CATALOG,
  catalogOf,
  DEFAULT_CATALOG_PUBLISHED_AT,
  missingLanguages,
  type NoticeTexts,
  type NoticeVersion,
  noticeTextHash,
  type PurposeCatalog,
  type ReconsentPolicy,
  recordsOf,
} from '@consent-sync/consent-core'
import { createStore, type StoreApi } from 'zustand/vanilla'
import { type KeyValueStore, PREFIX } from './storage'

/** The versions published on this page, beyond the bundled catalog (kept across reloads). */
export const PUBLISHED_KEY = `${PREFIX}catalog/published`
/** Who publishes on the page; the bundled versions count as published by consent-sync, as demo mode seeds them. */
export const OPERATOR = 'demo-operator'

export interface DemoCatalogState {
  /** The catalog as a server would serve it (consent-core `catalogOf`): versions listed, newest first. */
  catalog: PurposeCatalog
  /** Every version published, with its texts. */
  versions: readonly NoticeVersion[]
}

export interface VersionDraft extends NoticeTexts {
  purposeId: string
  version: string
  material: boolean
  reconsent?: ReconsentPolicy
  lifetimeDays?: number
}

export type PublishResult =
  | { ok: true }
  | { ok: false; reason: 'unknown-purpose' | 'version-exists' | 'missing-language' }

/** The page's purpose catalog: the bundled one, kept as data, and the versions published here. */
export interface DemoCatalog {
  readonly store: StoreApi<DemoCatalogState>
  /** Publishes a version, as an administrator does through the server's admin API. */
  publish(draft: VersionDraft): PublishResult
  /** The exact texts of a published version (what the server's `GET /api/purposes/:id/versions/:v` gives). */
  textsOf(purposeId: string, version: string): NoticeTexts | undefined
}

function loadPublished(storage: KeyValueStore): NoticeVersion[] {
  try {
    const parsed: unknown = JSON.parse(storage.get(PUBLISHED_KEY) ?? '[]')
    return Array.isArray(parsed) ? (parsed as NoticeVersion[]) : []
  } catch {
    return []
  }
}

/**
 * The demo's catalog (DESIGN.md §4): as the server does, it publishes immutable notice versions with
 * their hash and serves `catalogOf` them, so a material version makes the customer's side ask again.
 * There is no server: the hub judges with this catalog and both replicas fold with it.
 */
export function openDemoCatalog(storage: KeyValueStore, now = () => new Date().toISOString()): DemoCatalog {
  // The bundled catalog exactly as the server's demo mode seeds it (consent-core DEFAULT_CATALOG).
  const seed = recordsOf(COMPILED_CATALOG, DEFAULT_CATALOG_PUBLISHED_AT, 'consent-sync')
  const stateOf = (published: readonly NoticeVersion[]): DemoCatalogState => {
    const versions = [...seed.versions, ...published]
    return { versions, catalog: catalogOf(seed.purposes, versions) }
  }
  const store = createStore<DemoCatalogState>()(() => stateOf(loadPublished(storage)))
  return {
    store,
    publish(draft) {
      const { versions } = store.getState()
      if (!seed.purposes.some((p) => p.id === draft.purposeId))
        return { ok: false, reason: 'unknown-purpose' }
      if (versions.some((v) => v.purposeId === draft.purposeId && v.version === draft.version))
        return { ok: false, reason: 'version-exists' }
      if (missingLanguages(draft).length > 0) return { ok: false, reason: 'missing-language' }
      const texts = { title: draft.title, notice: draft.notice }
      // Newest by publish time is current: never before what is published already, whatever the clock says.
      const latest = Math.max(...versions.map((v) => Date.parse(v.publishedAt)))
      const publishedAt = new Date(Math.max(Date.parse(now()), latest + 1)).toISOString()
      const version: NoticeVersion = {
        purposeId: draft.purposeId,
        version: draft.version,
        ...texts,
        textHash: noticeTextHash(draft.purposeId, draft.version, texts),
        material: draft.material,
        ...(draft.lifetimeDays !== undefined ? { lifetimeDays: draft.lifetimeDays } : {}),
        ...(draft.material && draft.reconsent ? { reconsent: draft.reconsent } : {}),
        publishedAt,
        publishedBy: OPERATOR,
      }
      const published = [...versions.slice(seed.versions.length), version]
      storage.set(PUBLISHED_KEY, JSON.stringify(published))
      store.setState(stateOf(published))
      return { ok: true }
    },
    textsOf(purposeId, version) {
      const found = store.getState().versions.find((v) => v.purposeId === purposeId && v.version === version)
      return found ? { title: found.title, notice: found.notice } : undefined
    },
  }
}
