import { readFile } from 'node:fs/promises'
import { findPurpose, type PurposeCatalog, type Result } from '@consent-sync/consent-core'
import type { PurposeResolver } from './history'

export type PurposeMap = ReadonlyMap<string, string>

/** Reads a purpose map file: a JSON object `{"legacyName": "purposeId"}`. */
export async function readPurposeMap(file: string): Promise<Result<PurposeMap, 'purpose-map'>> {
  const bad = (detail: string) => ({ ok: false as const, reason: 'purpose-map' as const, detail })
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    return bad(`cannot read ${file}: ${(err as Error).message}`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    return bad(`${file} is not JSON: ${(err as Error).message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return bad(`${file} must be a JSON object {"legacyName": "purposeId"}`)
  }
  const map = new Map<string, string>()
  for (const [legacy, id] of Object.entries(value)) {
    if (typeof id !== 'string' || id === '') return bad(`${file}: "${legacy}" must map to a purpose id`)
    map.set(legacy, id)
  }
  return { ok: true, value: map }
}

/**
 * How legacy names become catalog purpose ids: the map's word, else a name that is a catalog id
 * itself; anything else is unknown (reported, never guessed). A map naming a purpose the catalog
 * does not hold is refused before anything is read.
 */
export function purposeResolver(
  map: PurposeMap,
  catalog: PurposeCatalog,
): Result<PurposeResolver, 'purpose-map'> {
  for (const [legacy, id] of map) {
    if (!findPurpose(catalog, id)) {
      return {
        ok: false,
        reason: 'purpose-map',
        detail: `"${legacy}" maps to "${id}", which is not a purpose of the catalog (${catalog.purposes.map((p) => p.id).join(', ')})`,
      }
    }
  }
  return {
    ok: true,
    value: (name) => map.get(name) ?? (findPurpose(catalog, name) ? name : undefined),
  }
}
