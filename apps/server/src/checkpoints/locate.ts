import type { AuditEntry } from '@consent-sync/consent-core'
import type { ReceiptCheckpoint } from '../receipts/receipt'
import type { CheckpointLog } from '../store/checkpoint-log'

/**
 * Which signed checkpoint includes an audit entry: the newest one whose log holds a head of the
 * entry's customer at or past the entry's seq (a head vouches for its whole chain). The log's
 * leaves are read once per checkpoint and kept as each customer's highest seq.
 */
export function checkpointLocator(
  log: Pick<CheckpointLog, 'latestCheckpoint' | 'checkpointLeaves'>,
  origin: string,
  publicUrl = '',
): (entry: Pick<AuditEntry, 'customerId' | 'seq'>) => Promise<ReceiptCheckpoint | null> {
  let known: { size: number; root: string; highest: Map<string, number> } | null = null
  return async (entry) => {
    const latest = await log.latestCheckpoint()
    if (!latest) return null
    if (known?.size !== latest.size) {
      const highest = new Map<string, number>()
      for (const leaf of (await log.checkpointLeaves()).slice(0, latest.size)) {
        highest.set(leaf.customerId, Math.max(highest.get(leaf.customerId) ?? 0, leaf.seq))
      }
      known = { size: latest.size, root: latest.root, highest }
    }
    if ((known.highest.get(entry.customerId) ?? 0) < entry.seq) return null
    const query = `customerId=${encodeURIComponent(entry.customerId)}&size=${known.size}`
    return {
      origin,
      size: known.size,
      root: known.root,
      inclusionProof: `${publicUrl}/api/checkpoints/proof?${query}`,
    }
  }
}
