import {
  type AuditEntry,
  catalogOf,
  type Decision,
  foldAll,
  type PurposeCatalog,
  type PurposeStatus,
  readDecisions,
  readOut,
} from '@consent-sync/consent-core'
import * as Y from 'yjs'
import type { AuditLog } from '../store/audit-log'
import type { CatalogStore } from '../store/catalog-store'
import type { DocumentLog } from '../store/document-log'

/** One purpose's folded state and what it meant, as `GET /api/customers/:id/consents` answers it. */
export interface PurposeStateRow {
  purposeId: string
  state: 'granted' | 'withdrawn'
  conflicted: boolean
  decidedAt: string | null
  decidedBy: { id: string; role: string } | null
  channel: string | null
  noticeVersion: string | null
  decisionId: string | null
  heads: string[]
  effectiveState: 'granted' | 'withdrawn'
  needsReconsent: boolean
  expired: boolean
  expiresAt: string | null
  reconsent: 'required' | 'prompt' | null
}

/**
 * The consent rows of `decisions` under `catalog`, expiry judged at `now`. Lifetimes count from
 * the server's receive time of the grant, which its audit entry holds.
 */
export function consentRows(
  decisions: readonly Decision[],
  catalog: PurposeCatalog,
  entries: readonly AuditEntry[],
  now: number,
): PurposeStateRow[] {
  const states = foldAll(decisions, catalog)
  const receivedAt = new Map(entries.map((e) => [e.decisionId, e.receivedAt]))
  return states.map((s, i) => {
    const at = s.decision ? receivedAt.get(s.decision.id) : undefined
    const r = readOut(s, catalog.purposes[i]!, { now, ...(at ? { receivedAt: at } : {}) })
    return {
      purposeId: s.purposeId,
      state: s.state,
      conflicted: s.conflicted,
      decidedAt: s.decision?.at ?? null,
      decidedBy: s.decision ? { id: s.decision.actor.id, role: s.decision.actor.role } : null,
      channel: s.decision?.channel ?? null,
      noticeVersion: s.decision?.noticeVersion ?? null,
      decisionId: s.decision?.id ?? null,
      heads: s.heads.map((h) => h.id),
      effectiveState: r.effectiveState,
      needsReconsent: r.needsReconsent,
      expired: r.expired,
      expiresAt: r.expiresAt ?? null,
      reconsent: r.reconsent ?? null,
    }
  })
}

/**
 * The catalog as it stood at `at` (an ISO instant as the store writes them): the purposes created
 * by then, each with the versions published by then, retired if the last status change by then
 * retired it. A purpose retired now without a recorded change keeps its current status.
 */
export async function catalogAt(
  store: Pick<CatalogStore, 'listPurposes' | 'listVersions' | 'adminLog'>,
  at: string,
): Promise<PurposeCatalog> {
  const [purposes, versions, admin] = await Promise.all([
    store.listPurposes(),
    store.listVersions(),
    store.adminLog(),
  ])
  const statusAt = new Map<string, PurposeStatus>()
  const changed = new Set<string>()
  for (const e of admin) {
    const status = e.details.status
    if (!e.target.startsWith('purpose:') || (status !== 'retired' && status !== 'active')) continue
    const id = e.target.slice('purpose:'.length)
    changed.add(id)
    // The admin log is in seq order; a change after `at` had not happened yet.
    if (e.at <= at) statusAt.set(id, status)
  }
  return catalogOf(
    purposes
      .filter((p) => p.createdAt <= at)
      .map((p) => ({ ...p, status: statusAt.get(p.id) ?? (changed.has(p.id) ? 'active' : p.status) })),
    versions.filter((v) => v.publishedAt <= at),
  )
}

/**
 * The customer's document as the server held it at `at`: the stored updates received by then,
 * applied in seq order to a fresh document. Raw updates stay after a snapshot, so the log is read
 * from seq 1; the store stops at the first update received after `at`.
 */
export async function decisionsAt(
  log: Pick<DocumentLog, 'updatesReceivedBy'>,
  customerId: string,
  at: string,
): Promise<Decision[]> {
  const doc = new Y.Doc()
  try {
    for (const u of await log.updatesReceivedBy(customerId, at)) Y.applyUpdate(doc, u.update)
    return readDecisions(doc)
  } finally {
    doc.destroy()
  }
}

export interface StateAt {
  catalog: PurposeCatalog
  purposes: PurposeStateRow[]
  /** The customer's audit entries received at or before `at`, in chain order: the decisions that led to it. */
  entries: AuditEntry[]
}

/** The effective consent state of the customer at `at`, from what the server had received by then. */
export async function stateAt(
  store: Pick<DocumentLog, 'updatesReceivedBy'> &
    Pick<AuditLog, 'auditChain'> &
    Pick<CatalogStore, 'listPurposes' | 'listVersions' | 'adminLog'>,
  customerId: string,
  at: string,
): Promise<StateAt> {
  const [catalog, decisions, chain] = await Promise.all([
    catalogAt(store, at),
    decisionsAt(store, customerId, at),
    store.auditChain(customerId),
  ])
  // A prefix of the chain, as the updates replayed are a prefix of the log.
  const end = chain.findIndex((e) => e.receivedAt > at)
  const entries = end < 0 ? chain : chain.slice(0, end)
  return { catalog, purposes: consentRows(decisions, catalog, entries, Date.parse(at)), entries }
}
