import { findPurpose, type PurposeCatalog } from '@consent-sync/consent-core'

/** The English title of a purpose, or its id when the catalog does not know it (a retired purpose). */
export function purposeTitle(catalog: PurposeCatalog, purposeId: string): string {
  return findPurpose(catalog, purposeId)?.title.en ?? purposeId
}
