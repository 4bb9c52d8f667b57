import type { Purpose, PurposeCatalog, PurposeStatus } from './catalog'
import { sha256Hex } from './hash'
import { type NoticeVersion, noticeTextHash, type VersionSummary } from './notice-version'
import type { DecisionState } from './types'

/** A purpose as the store keeps it: the versions are kept apart. */
export interface PurposeRecord {
  id: string
  default: DecisionState
  status: PurposeStatus
  createdAt: string
}

export function summaryOf(v: NoticeVersion): VersionSummary {
  return {
    version: v.version,
    textHash: v.textHash,
    material: v.material,
    ...(v.lifetimeDays !== undefined ? { lifetimeDays: v.lifetimeDays } : {}),
    ...(v.reconsent !== undefined ? { reconsent: v.reconsent } : {}),
    publishedAt: v.publishedAt,
  }
}

/**
 * The catalog clients are served (SPEC 1.6): each purpose with a published version, in the order
 * given, showing its newest version's texts and policy and listing every version newest first.
 * The catalog's `version` names its content (each purpose's status and version hashes): any
 * publish or retirement changes it, so a client can tell the catalog it holds is not the current one.
 */
export function catalogOf(
  purposes: readonly PurposeRecord[],
  versions: readonly NoticeVersion[],
): PurposeCatalog {
  const byPurpose = new Map<string, NoticeVersion[]>()
  for (const v of versions) {
    const list = byPurpose.get(v.purposeId)
    if (list) list.push(v)
    else byPurpose.set(v.purposeId, [v])
  }
  const out: Purpose[] = []
  for (const p of purposes) {
    const published = (byPurpose.get(p.id) ?? []).sort((a, b) =>
      a.publishedAt === b.publishedAt ? 0 : a.publishedAt < b.publishedAt ? 1 : -1,
    )
    const current = published[0]
    if (!current) continue
    out.push({
      id: p.id,
      version: current.version,
      default: p.default,
      status: p.status,
      title: current.title,
      notice: current.notice,
      textHash: current.textHash,
      material: current.material,
      ...(current.lifetimeDays !== undefined ? { lifetimeDays: current.lifetimeDays } : {}),
      ...(current.reconsent !== undefined ? { reconsent: current.reconsent } : {}),
      versions: published.map(summaryOf),
    })
  }
  const content = out.map((p) => `${p.id}:${p.status}:${p.versions?.map((v) => v.textHash).join(',')}`)
  return { version: sha256Hex(content.join(';')).slice(0, 16), purposes: out }
}

/**
 * A compiled catalog (`DEFAULT_CATALOG`) as store records: what demo mode seeds, every purpose
 * active with its one current version, published at `at` by `by`.
 */
export function recordsOf(
  catalog: PurposeCatalog,
  at: string,
  by: string,
): { purposes: PurposeRecord[]; versions: NoticeVersion[] } {
  return {
    purposes: catalog.purposes.map((p) => ({
      id: p.id,
      default: p.default,
      status: p.status ?? 'active',
      createdAt: at,
    })),
    versions: catalog.purposes.map((p) => ({
      purposeId: p.id,
      version: p.version,
      title: p.title,
      notice: p.notice,
      textHash: noticeTextHash(p.id, p.version, p),
      material: false,
      publishedAt: at,
      publishedBy: by,
    })),
  }
}
