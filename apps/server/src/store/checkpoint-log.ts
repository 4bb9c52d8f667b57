import type { HeadLeaf } from '../checkpoints/leaf'

/** A signed checkpoint as stored: its size, root and the whole signed note. */
export interface StoredCheckpoint {
  size: number
  /** Base64 root hash, as in the note. */
  root: string
  note: string
  createdAt: string
}

export type CheckpointAppend = { ok: true } | { ok: false; reason: 'moved'; detail: string }

/**
 * The checkpoint log (docs/checkpoints.md): an append-only list of customers' chain heads, each the
 * head a checkpoint saw change, and the checkpoints signed over its prefixes. Kept in the store's
 * database, beside the chains it vouches for; an outside copy of a checkpoint is what shows when
 * the database is cut back.
 */
export interface CheckpointLog {
  /** Creates the tables (idempotent). */
  migrateCheckpoints(): Promise<void>
  /** Every leaf, in log order. */
  checkpointLeaves(): Promise<HeadLeaf[]>
  /**
   * Appends `leaves` and the checkpoint over the log they make, if the log still holds `fromSize`
   * leaves (otherwise another writer moved it: nothing is written).
   */
  appendCheckpoint(
    fromSize: number,
    leaves: readonly HeadLeaf[],
    checkpoint: StoredCheckpoint,
  ): Promise<CheckpointAppend>
  checkpointAt(size: number): Promise<StoredCheckpoint | null>
  latestCheckpoint(): Promise<StoredCheckpoint | null>
  closeCheckpoints(): Promise<void>
}
