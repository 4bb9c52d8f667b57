import {
  type ActorRole,
  type AuditEntry,
  auditEntriesFor,
  type Channel,
  chainAll,
  DEFAULT_CATALOG,
  type Decision,
  type DecisionState,
  decide,
  decisionsOf,
  findPurpose,
  type PurposeCatalog,
  sha256Hex,
  type UserRole,
} from '@consent-sync/consent-core'
import * as Y from 'yjs'
import { deriveDownstream } from '../downstream/derive'
import type { AuditLog } from '../store/audit-log'
import type { AppendResult, DocumentLog } from '../store/document-log'

/** The channel a person's own client records: the web for a customer, the phone for an agent. */
const CHANNEL: Record<ActorRole, Channel> = { customer: 'web', csr: 'phone' }

/**
 * A decision by `user` recorded in `doc` as their client would: the user as its actor, their
 * usual channel, and the purpose's current notice version (any for a purpose not in the catalog).
 */
export function decideAs(
  doc: Y.Doc,
  user: { id: string; role: string },
  purposeId = 'marketing-sms',
  state: DecisionState = 'granted',
  extra: { evidence?: string; channel?: Channel } = {},
): Decision {
  const role = user.role as ActorRole
  return decide(doc, {
    purposeId,
    state,
    actor: { id: user.id, role },
    channel: extra.channel ?? CHANNEL[role] ?? 'web',
    noticeVersion: findPurpose(DEFAULT_CATALOG, purposeId)?.version ?? '1.0',
    ...(extra.evidence === undefined ? {} : { evidence: extra.evidence }),
  })
}

let nextDecision = 0

/**
 * A decision as a client would write it: a UUID id (SPEC 2.5; ids sort in creation order) and the
 * purpose's current notice version (SPEC 2.11) unless `input` says otherwise.
 */
export function decision(input: Partial<Decision> & Pick<Decision, 'purposeId' | 'state'>): Decision {
  nextDecision++
  return {
    id: `00000000-0000-4000-8000-${nextDecision.toString(16).padStart(12, '0')}`,
    supersedes: [],
    at: '2026-11-02T10:00:00.000Z',
    actor: { id: 'C-0001', role: 'customer' },
    channel: 'web',
    noticeVersion: findPurpose(DEFAULT_CATALOG, input.purposeId)?.version ?? '1.0',
    ...input,
  }
}

/**
 * Stores `added` for the customer as one accepted update, straight into the store: a real Yjs
 * update on top of the stored document, with its audit entries derived and chained onto the
 * stored head, as the server would store it. Not judged: any decisions, any actors.
 */
export async function appendDecisions(
  store: DocumentLog & Pick<AuditLog, 'chainHead'>,
  customerId: string,
  added: readonly Decision[],
  user: { id: string; role: UserRole },
  receivedAt: string,
  /** The catalog the entries are derived under: `COMPILED_CATALOG` makes entries with no notice hash, as before. */
  catalog: PurposeCatalog = DEFAULT_CATALOG,
): Promise<AppendResult & { entries: AuditEntry[] }> {
  const stored = await store.loadDocument(customerId)
  const doc = new Y.Doc()
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot)
  for (const u of stored.tail) Y.applyUpdate(doc, u.update)
  const before = decisionsOf(doc).toArray()
  const known = Y.encodeStateVector(doc)
  decisionsOf(doc).push([...added])
  const update = Y.encodeStateAsUpdate(doc, known)
  doc.destroy()
  const updateHash = sha256Hex(update)
  const connectionId = `conn-${customerId}`
  const records = auditEntriesFor(
    before,
    added,
    { customerId, receivedAt, connectionId, updateHash, user },
    catalog,
  )
  const entries = chainAll(stored.head, records)
  const derived = deriveDownstream(entries, catalog)
  const [result] = await store.append([
    {
      customerId,
      update,
      meta: { receivedAt, connectionId, userId: user.id, userRole: user.role, hash: updateHash },
      entries,
      expectedSeq: stored.tail.at(-1)?.seq ?? stored.snapshotSeq,
      ...(derived ? { derived } : {}),
    },
  ])
  if (!result || result.behind) throw new Error(`append for ${customerId} was not stored`)
  return { ...result, entries }
}
