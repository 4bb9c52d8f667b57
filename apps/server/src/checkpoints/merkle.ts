import { createHash } from 'node:crypto'

/**
 * RFC 6962 §2.1 Merkle tree hashing (also RFC 9162 §2.1): leaves hashed with a 0x00 prefix and
 * interior nodes with 0x01, so a leaf can never pass for a node. Hashes are 32-byte SHA-256.
 */

const LEAF_PREFIX = Buffer.from([0x00])
const NODE_PREFIX = Buffer.from([0x01])

export function leafHash(leaf: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(leaf).digest()
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest()
}

/** The largest power of two smaller than n (n ≥ 2). */
function split(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/** MTH(D[lo:hi]) over leaf hashes. */
function subtreeRoot(hashes: readonly Buffer[], lo: number, hi: number): Buffer {
  const n = hi - lo
  if (n === 0) return createHash('sha256').digest()
  if (n === 1) return hashes[lo] as Buffer
  const k = split(n)
  return nodeHash(subtreeRoot(hashes, lo, lo + k), subtreeRoot(hashes, lo + k, hi))
}

/** The root of the tree over the first `size` leaf hashes (the SHA-256 of nothing when empty). */
export function treeRoot(hashes: readonly Buffer[], size = hashes.length): Buffer {
  if (size > hashes.length) throw new RangeError(`tree of ${size} leaves from ${hashes.length}`)
  return subtreeRoot(hashes, 0, size)
}

/** PATH(m, D[n]): the audit path of leaf `index` in the tree of the first `size` leaves. */
export function inclusionProof(hashes: readonly Buffer[], index: number, size: number): Buffer[] {
  if (!(index >= 0 && index < size && size <= hashes.length)) {
    throw new RangeError(`no leaf ${index} in a tree of ${size}`)
  }
  const path: Buffer[] = []
  const walk = (m: number, lo: number, hi: number): void => {
    const n = hi - lo
    if (n === 1) return
    const k = split(n)
    if (m < k) {
      walk(m, lo, lo + k)
      path.push(subtreeRoot(hashes, lo + k, hi))
    } else {
      walk(m - k, lo + k, hi)
      path.push(subtreeRoot(hashes, lo, lo + k))
    }
  }
  walk(index, 0, size)
  return path
}

/** PROOF(m, D[n]): the consistency proof from the tree of `from` leaves to the tree of `to`. */
export function consistencyProof(hashes: readonly Buffer[], from: number, to: number): Buffer[] {
  if (!(from >= 0 && from <= to && to <= hashes.length)) {
    throw new RangeError(`no consistency proof from ${from} to ${to}`)
  }
  if (from === 0 || from === to) return []
  const proof: Buffer[] = []
  const sub = (m: number, lo: number, hi: number, whole: boolean): void => {
    const n = hi - lo
    if (m === n) {
      if (!whole) proof.push(subtreeRoot(hashes, lo, hi))
      return
    }
    const k = split(n)
    if (m <= k) {
      sub(m, lo, lo + k, whole)
      proof.push(subtreeRoot(hashes, lo + k, hi))
    } else {
      sub(m - k, lo + k, hi, false)
      proof.push(subtreeRoot(hashes, lo, lo + k))
    }
  }
  sub(from, 0, to, true)
  return proof
}

/** RFC 9162 §2.1.3.2: whether `proof` shows the leaf hash at `index` in the tree of `size` with `root`. */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!(index >= 0 && index < size)) return false
  let fn = BigInt(index)
  let sn = BigInt(size - 1)
  let r: Uint8Array = leaf
  for (const p of proof) {
    if (sn === 0n) return false
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r)
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n
          sn >>= 1n
        }
      }
    } else {
      r = nodeHash(r, p)
    }
    fn >>= 1n
    sn >>= 1n
  }
  return sn === 0n && Buffer.from(r).equals(root)
}

/** RFC 9162 §2.1.4.2: whether `proof` shows the tree of `from` with `fromRoot` is a prefix of the tree of `to`. */
export function verifyConsistency(
  from: number,
  to: number,
  fromRoot: Uint8Array,
  toRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!(from >= 0 && from <= to)) return false
  if (from === to) return proof.length === 0 && Buffer.from(fromRoot).equals(toRoot)
  // Every tree extends the empty one.
  if (from === 0) return proof.length === 0
  const path = (from & (from - 1)) === 0 ? [fromRoot, ...proof] : [...proof]
  const [first, ...rest] = path
  if (!first) return false
  let fn = BigInt(from - 1)
  let sn = BigInt(to - 1)
  while ((fn & 1n) === 1n) {
    fn >>= 1n
    sn >>= 1n
  }
  let fr: Uint8Array = first
  let sr: Uint8Array = first
  for (const c of rest) {
    if (sn === 0n) return false
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr)
      sr = nodeHash(c, sr)
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n
        sn >>= 1n
      }
    } else {
      sr = nodeHash(sr, c)
    }
    fn >>= 1n
    sn >>= 1n
  }
  return sn === 0n && Buffer.from(fr).equals(fromRoot) && Buffer.from(sr).equals(toRoot)
}
