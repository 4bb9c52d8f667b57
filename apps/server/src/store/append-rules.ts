import type { AuditEntry, ChainHead } from '@consent-sync/consent-core'
import type { AppendRequest } from './document-log'

/**
 * Broken requests are bugs of the caller: refused before anything of them is written. Its entries
 * are one customer's and chain onto each other. Their hashes are not computed again: acceptUpdate
 * computed them a moment before (doing it twice cost as much as the rest of an append), and
 * `consent-sync verify` re-derives and re-hashes every stored entry.
 */
export function checkRequest({ customerId, update, entries }: AppendRequest): void {
  if (!(update instanceof Uint8Array)) throw new TypeError(`append for ${customerId}: update is not bytes`)
  for (const [i, e] of entries.entries()) {
    const at = `append for ${customerId}: audit entry of decision ${e.decisionId}`
    if (e.customerId !== customerId) throw new Error(`${at} names ${e.customerId}`)
    const prev = entries[i - 1]
    if (prev && (e.seq !== prev.seq + 1 || e.prevHash !== prev.hash)) {
      throw new Error(`${at} does not chain onto the entry before it`)
    }
  }
}

/** Where a customer's log and chain stand in the store, as the append transaction read them. */
export interface LogPosition {
  updateSeq: number
  chain: ChainHead
}

/**
 * Whether a request was built on a view the store has moved past: its expected seq is not the
 * stored one, or its entries do not continue the stored chain (consent-core SPEC 5.2).
 */
export function isBehind(at: LogPosition, { expectedSeq, entries }: AppendRequest): boolean {
  if (expectedSeq !== undefined && at.updateSeq !== expectedSeq) return true
  const first = entries[0]
  return first !== undefined && (first.seq !== at.chain.seq + 1 || first.prevHash !== at.chain.hash)
}

/** Where the log and chain stand once the request is stored. */
export function advance(at: LogPosition, entries: readonly AuditEntry[]): LogPosition {
  const last = entries.at(-1)
  return { updateSeq: at.updateSeq + 1, chain: last ? { seq: last.seq, hash: last.hash } : at.chain }
}
