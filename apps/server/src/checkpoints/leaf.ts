import { leafHash } from './merkle'

/** One leaf of the checkpoint log: a customer's chain head as a checkpoint saw it. */
export interface HeadLeaf {
  customerId: string
  /** The seq of the last audit entry. */
  seq: number
  /** Its hash (lowercase hex SHA-256). */
  hash: string
}

const LEAF_TAG = 'consent-sync/audit-head/v1'

/**
 * The canonical bytes of a leaf (docs/checkpoints.md "Leaves"): UTF-8 of four lines, each ending in
 * a newline: the tag, the customer id, the seq in decimal, the head hash in lowercase hex.
 */
export function encodeLeaf(leaf: HeadLeaf): Buffer {
  if (/[\n\r]/.test(leaf.customerId)) throw new RangeError('a customer id holds no line break')
  if (!Number.isSafeInteger(leaf.seq) || leaf.seq < 1) throw new RangeError(`seq ${leaf.seq}`)
  if (!/^[0-9a-f]{64}$/.test(leaf.hash)) throw new RangeError(`head hash ${leaf.hash}`)
  return Buffer.from(`${LEAF_TAG}\n${leaf.customerId}\n${leaf.seq}\n${leaf.hash}\n`, 'utf8')
}

export function headLeafHash(leaf: HeadLeaf): Buffer {
  return leafHash(encodeLeaf(leaf))
}
