import type { AuditLog } from '../store/audit-log'
import type { CheckpointLog } from '../store/checkpoint-log'
import { type Checkpoint, openCheckpoint } from './checkpoint'
import type { HeadLeaf } from './leaf'
import { LogTree } from './log-tree'
import type { NoteVerifier } from './note'

/** What a checkpoint can show is wrong with a store (docs/checkpoints.md "Verifying"). */
export type CheckpointFinding =
  /** The checkpoint's signature does not check, or it is not a checkpoint. */
  | 'checkpoint-unverified'
  /** Two checkpoints of one size with different roots, or the store's log disagrees with one. */
  | 'checkpoint-fork'
  /** The store's log is shorter than a checkpoint: the database was restored from an older copy. */
  | 'store-behind'
  /** A customer's chain ends before the head a checkpoint vouches for: entries were cut from its end. */
  | 'chain-truncated'
  /** A customer's chain holds another entry at the seq a checkpoint vouches for. */
  | 'chain-diverged'

export interface CheckpointProblem {
  reason: CheckpointFinding
  /** Which checkpoint (its file name, or `stored`). */
  source: string
  size?: number
  customerId?: string
  seq?: number
  detail: string
}

export interface CheckpointReport {
  ok: boolean
  checkpoints: number
  customers: number
  problems: CheckpointProblem[]
}

export interface CheckpointInput {
  /** A name to report it by (the file name). */
  source: string
  text: string
}

export interface VerifyCheckpointDeps {
  log: Pick<CheckpointLog, 'checkpointLeaves' | 'checkpointAt'>
  /**
   * Leaves kept outside the store (`GET /api/checkpoints/leaves`): where they give a checkpoint's
   * root, its heads are taken from them, so a store cut back is shown customer by customer.
   */
  archived?: readonly HeadLeaf[]
  audit: Pick<AuditLog, 'auditChain'>
  verifier: NoteVerifier
}

const b64 = (b: Buffer) => b.toString('base64')

/** Checks each checkpoint's signature, against the others, against the store's log and against every chain. */
export async function verifyCheckpoints(
  inputs: readonly CheckpointInput[],
  deps: VerifyCheckpointDeps,
): Promise<CheckpointReport> {
  const problems: CheckpointProblem[] = []
  const opened: { source: string; cp: Checkpoint }[] = []
  for (const input of inputs) {
    const o = openCheckpoint(input.text, deps.verifier)
    if (o.ok) opened.push({ source: input.source, cp: o.value })
    else
      problems.push({
        reason: 'checkpoint-unverified',
        source: input.source,
        detail: `${o.reason}: ${o.detail}`,
      })
  }
  // Two signed views of one size that differ: the log was forked, whatever the store says.
  for (const [i, a] of opened.entries()) {
    for (const b of opened.slice(i + 1)) {
      if (a.cp.size === b.cp.size && !a.cp.root.equals(b.cp.root)) {
        problems.push({
          reason: 'checkpoint-fork',
          source: `${a.source} and ${b.source}`,
          size: a.cp.size,
          detail: `both of size ${a.cp.size}, roots ${b64(a.cp.root)} and ${b64(b.cp.root)}`,
        })
      }
    }
  }
  const tree = new LogTree(await deps.log.checkpointLeaves())
  const chains = new Map<string, { seq: number; hash: string }[]>()
  const chainOf = async (customerId: string) => {
    let chain = chains.get(customerId)
    if (!chain) {
      chain = (await deps.audit.auditChain(customerId)).map((e) => ({ seq: e.seq, hash: e.hash }))
      chains.set(customerId, chain)
    }
    return chain
  }
  for (const { source, cp } of opened) {
    const stored = await deps.log.checkpointAt(cp.size)
    if (stored && stored.root !== b64(cp.root)) {
      problems.push({
        reason: 'checkpoint-fork',
        source,
        size: cp.size,
        detail: `the stored checkpoint of size ${cp.size} has root ${stored.root}, ${source} has ${b64(cp.root)}`,
      })
    }
    let upto = cp.size
    let heads = tree
    const archived = deps.archived ? new LogTree(deps.archived) : null
    if (archived && archived.size >= cp.size && archived.root(cp.size).equals(cp.root)) heads = archived
    if (tree.size < cp.size) {
      problems.push({
        reason: 'store-behind',
        source,
        size: cp.size,
        detail: `the store's checkpoint log has ${tree.size} leaves, ${source} is of size ${cp.size}: the database is behind the checkpoint (restored from an older copy?)`,
      })
      if (heads === tree) upto = tree.size
    } else if (!tree.root(cp.size).equals(cp.root)) {
      problems.push({
        reason: 'checkpoint-fork',
        source,
        size: cp.size,
        detail: `the store's log of size ${cp.size} has root ${b64(tree.root(cp.size))}, ${source} has ${b64(cp.root)}`,
      })
      // Without the checkpoint's own leaves, the store's heads say nothing about it.
      if (heads === tree) continue
    }
    for (const head of heads.headsAt(upto).values()) {
      const chain = await chainOf(head.customerId)
      const last = chain.at(-1)
      const at = chain.find((e) => e.seq === head.seq)
      const base = { source, size: cp.size, customerId: head.customerId, seq: head.seq }
      if (!last || last.seq < head.seq) {
        problems.push({
          ...base,
          reason: 'chain-truncated',
          detail: `${source} (size ${cp.size}) has the chain at seq ${head.seq}; the store's chain ends at seq ${last?.seq ?? 0}`,
        })
      } else if (!at || at.hash !== head.hash) {
        problems.push({
          ...base,
          reason: 'chain-diverged',
          detail: `${source} (size ${cp.size}) has head ${head.hash} at seq ${head.seq}; the store holds ${at?.hash ?? 'no entry'}`,
        })
      }
    }
  }
  return { ok: problems.length === 0, checkpoints: opened.length, customers: chains.size, problems }
}
