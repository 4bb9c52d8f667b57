import type { ChainHead } from '@consent-sync/consent-core'
import type { CheckpointLog, StoredCheckpoint } from '../store/checkpoint-log'
import { signCheckpoint } from './checkpoint'
import type { HeadLeaf } from './leaf'
import { LogTree } from './log-tree'
import type { NoteSigner } from './note'

/** What a checkpoint reads the heads from. */
export interface HeadSource {
  documentIds(): Promise<string[]>
  chainHead(customerId: string): Promise<ChainHead>
}

export interface CheckpointDeps {
  heads: HeadSource
  log: CheckpointLog
  origin: string
  signer: NoteSigner
  now?: () => number
}

/** The heads that differ from each customer's last leaf, in customer id order. */
async function changedHeads(heads: HeadSource, tree: LogTree): Promise<HeadLeaf[]> {
  const logged = tree.headsAt()
  const ids = [...(await heads.documentIds())].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const changed: HeadLeaf[] = []
  for (const customerId of ids) {
    const head = await heads.chainHead(customerId)
    if (head.seq === 0) continue
    const last = logged.get(customerId)
    if (last && last.seq === head.seq && last.hash === head.hash) continue
    changed.push({ customerId, seq: head.seq, hash: head.hash })
  }
  return changed
}

const ATTEMPTS = 3

/**
 * Appends the heads changed since the last checkpoint to the log and signs a checkpoint over it
 * (docs/checkpoints.md "Making a checkpoint"). Nothing changed: the latest checkpoint, as it is.
 */
export async function makeCheckpoint(deps: CheckpointDeps): Promise<StoredCheckpoint> {
  for (let attempt = 1; ; attempt++) {
    const tree = new LogTree(await deps.log.checkpointLeaves())
    const added = await changedHeads(deps.heads, tree)
    const latest = await deps.log.latestCheckpoint()
    if (added.length === 0 && latest?.size === tree.size) return latest
    const next = new LogTree([...tree.leaves, ...added])
    const root = next.root()
    const note = signCheckpoint({ origin: deps.origin, size: next.size, root }, deps.signer)
    const checkpoint: StoredCheckpoint = {
      size: next.size,
      root: root.toString('base64'),
      note,
      createdAt: new Date((deps.now ?? Date.now)()).toISOString(),
    }
    const stored = await deps.log.appendCheckpoint(tree.size, added, checkpoint)
    // Another instance checkpointed meanwhile: start again from the log it left.
    if (stored.ok) return (await deps.log.checkpointAt(next.size)) ?? checkpoint
    if (attempt >= ATTEMPTS) throw new Error(`checkpoint not stored: ${stored.detail}`)
  }
}
