import type { Changed, PurposeCatalog } from '@consent-sync/consent-core'
import { deriveDownstream } from '../../downstream/derive'
import type { AppendRequest, AppendResult } from '../../store/document-log'
import type { IncomingUpdate } from './incoming-update'

/** What persists through: the group committer (sync/group-commit.ts), or anything that appends alike. */
export interface Committer {
  append(request: AppendRequest): Promise<AppendResult>
}

export type Persisted =
  /** Durable under `seq`, with its entries. */
  | { kind: 'stored'; seq: number }
  /** Not stored: the log or the chain moved on elsewhere (another instance); catch up and judge again. */
  | { kind: 'behind' }
  /** Not stored, or not known to be: nothing may be acknowledged. */
  | { kind: 'failed'; error: unknown }

/**
 * persist: the update and its audit entries made durable in one transaction, appended only if the
 * log is still at `expectedSeq` (what the judgement saw) and the entries continue the stored chain;
 * with them the current-state rows and outbox events they make (downstream/derive.ts), judged
 * under the catalog the update was judged under.
 */
export async function persist(
  committer: Committer,
  {
    customerId,
    incoming,
    accepted,
    expectedSeq,
    catalog,
  }: {
    customerId: string
    incoming: IncomingUpdate
    accepted: Changed
    expectedSeq: number
    catalog: PurposeCatalog
  },
): Promise<Persisted> {
  const { peer, update, receivedAt } = incoming
  try {
    const derived = deriveDownstream(accepted.entries, catalog)
    const result = await committer.append({
      customerId,
      update,
      meta: {
        receivedAt,
        connectionId: peer.id,
        userId: peer.user.id,
        userRole: peer.user.role,
        hash: accepted.updateHash,
      },
      entries: accepted.entries,
      expectedSeq,
      ...(derived ? { derived } : {}),
    })
    return result.behind ? { kind: 'behind' } : { kind: 'stored', seq: result.seq }
  } catch (error) {
    return { kind: 'failed', error }
  }
}
