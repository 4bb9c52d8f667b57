import {
  type AuditEntry,
  auditEntriesFor,
  type ChainHead,
  type Channel,
  chainAll,
  DEFAULT_CATALOG,
  type DecisionState,
  decide,
  GENESIS,
  type PurposeCatalog,
  readDecisions,
  sha256Hex,
} from '@consent-sync/consent-core'
import * as Y from 'yjs'
import type { AppendRequest } from '../document-log'

/** One decision to record, as a customer (web) or an agent (phone, with evidence). */
export interface Step {
  purposeId: string
  state: DecisionState
  by: 'customer' | 'csr'
  /** Server receive time; distinct per step so time filters can be tested. */
  receivedAt: string
}

/** The request with its entries chained onto `head` instead, as after re-reading the store. */
export function rechained(request: AppendRequest, head: ChainHead): AppendRequest {
  const records = request.entries.map(
    ({ seq: _seq, prevHash: _prev, hash: _hash, ...record }: AuditEntry) => record,
  )
  return { ...request, entries: chainAll(head, records) }
}

/**
 * A customer's consent document on a client, producing real append requests: each `record`
 * makes decisions with consent-core, captures the update bytes, derives the audit records and
 * chains them after the previous request's (the accepting side chains, the store checks).
 */
export function consentHistory(customerId: string) {
  const doc = new Y.Doc()
  let connection = 0
  let head: ChainHead = GENESIS
  return {
    doc,
    /**
     * `catalog`: what the decisions are judged and audited under; COMPILED_CATALOG, as before the
     * catalog was kept as data, gives entries without a notice hash.
     */
    record(steps: readonly Step[], catalog: PurposeCatalog = DEFAULT_CATALOG): AppendRequest {
      const first = steps[0]
      if (!first) throw new Error('record needs at least one step')
      const before = readDecisions(doc)
      const chunks: Uint8Array[] = []
      const capture = (u: Uint8Array) => chunks.push(u)
      doc.on('update', capture)
      const added = doc.transact(() =>
        steps.map((s) => {
          const csr = s.by === 'csr'
          const channel: Channel = csr ? 'phone' : 'web'
          const purpose = catalog.purposes.find((p) => p.id === s.purposeId)
          return decide(
            doc,
            {
              purposeId: s.purposeId,
              state: s.state,
              actor: csr ? { id: 'csr1', role: 'csr' } : { id: customerId, role: 'customer' },
              channel,
              noticeVersion: purpose?.version ?? '0',
              at: s.receivedAt,
              ...(csr ? { evidence: `call ${s.receivedAt}` } : {}),
            },
            catalog,
          )
        }),
      )
      doc.off('update', capture)
      const update = Y.mergeUpdates(chunks)
      const user =
        first.by === 'csr'
          ? { id: 'csr1', role: 'csr' as const }
          : { id: customerId, role: 'customer' as const }
      const meta = {
        receivedAt: first.receivedAt,
        connectionId: `conn-${customerId}-${++connection}`,
        userId: user.id,
        userRole: user.role,
        hash: sha256Hex(update),
      }
      const ctx = {
        customerId,
        receivedAt: meta.receivedAt,
        connectionId: meta.connectionId,
        updateHash: meta.hash,
        user,
      }
      const entries = chainAll(head, auditEntriesFor(before, added, ctx, catalog))
      const last = entries.at(-1)
      if (last) head = { seq: last.seq, hash: last.hash }
      return { customerId, update, meta, entries }
    },
  }
}

/** A step factory whose receive times increase one minute per step, from a fixed start. */
export function timeline() {
  let clock = Date.parse('2026-11-02T08:00:00.000Z')
  return (purposeId: string, state: DecisionState, by: Step['by'] = 'customer'): Step => {
    clock += 60_000
    return { purposeId, state, by, receivedAt: new Date(clock).toISOString() }
  }
}
