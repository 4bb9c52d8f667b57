import type { HeadLeaf } from './leaf'
import { headLeafHash } from './leaf'
import { consistencyProof, inclusionProof, treeRoot } from './merkle'

/** The checkpoint log's leaves with their RFC 6962 hashes, for roots and proofs over any prefix. */
export class LogTree {
  readonly hashes: Buffer[]
  constructor(readonly leaves: readonly HeadLeaf[]) {
    this.hashes = leaves.map(headLeafHash)
  }
  get size(): number {
    return this.leaves.length
  }
  root(size = this.size): Buffer {
    return treeRoot(this.hashes, size)
  }
  /** The index of the customer's last leaf within the first `size`, or -1. */
  lastIndexOf(customerId: string, size = this.size): number {
    for (let i = Math.min(size, this.size) - 1; i >= 0; i--)
      if (this.leaves[i]?.customerId === customerId) return i
    return -1
  }
  /** Each customer's last head within the first `size` leaves. */
  headsAt(size = this.size): Map<string, HeadLeaf & { index: number }> {
    const heads = new Map<string, HeadLeaf & { index: number }>()
    for (const [index, leaf] of this.leaves.slice(0, size).entries())
      heads.set(leaf.customerId, { ...leaf, index })
    return heads
  }
  inclusion(index: number, size: number): Buffer[] {
    return inclusionProof(this.hashes, index, size)
  }
  consistency(from: number, to: number): Buffer[] {
    return consistencyProof(this.hashes, from, to)
  }
}
