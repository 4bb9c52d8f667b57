import { createHash } from 'node:crypto'

// An independent reading of RFC 6962 §2.1: hashing, roots and proof checks written from the
// recursive definitions, sharing nothing with merkle.ts.
export const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return h.digest()
}
export const H = (l: Uint8Array, r: Uint8Array) => sha(Buffer.from([1]), l, r)
const K = (n: number) => 2 ** Math.floor(Math.log2(n - 1))
export const mth = (d: Buffer[]): Buffer =>
  d.length === 0
    ? sha()
    : d.length === 1
      ? sha(Buffer.from([0]), d[0] as Buffer)
      : H(mth(d.slice(0, K(d.length))), mth(d.slice(K(d.length))))

/** The root a path leads to from leaf m of n, consuming siblings from the top (the last) down. */
export function rootFromPath(leaf: Buffer, m: number, n: number, path: Buffer[]): Buffer | null {
  if (n === 1) return path.length === 0 ? leaf : null
  const sibling = path.at(-1)
  if (!sibling) return null
  const k = K(n)
  const below =
    m < k ? rootFromPath(leaf, m, k, path.slice(0, -1)) : rootFromPath(leaf, m - k, n - k, path.slice(0, -1))
  if (!below) return null
  return m < k ? H(below, sibling) : H(sibling, below)
}

/** The old and new roots a consistency proof from m to n leads to (SUBPROOF read backwards). */
export function rootsFromProof(
  m: number,
  n: number,
  proof: Buffer[],
  old: Buffer,
  whole: boolean,
): [Buffer, Buffer] | null {
  if (m === n) {
    if (whole) return proof.length === 0 ? [old, old] : null
    return proof.length === 1 ? [proof[0] as Buffer, proof[0] as Buffer] : null
  }
  const sibling = proof.at(-1)
  if (!sibling) return null
  const k = K(n)
  if (m <= k) {
    const r = rootsFromProof(m, k, proof.slice(0, -1), old, whole)
    return r && [r[0], H(r[1], sibling)]
  }
  const r = rootsFromProof(m - k, n - k, proof.slice(0, -1), old, false)
  return r && [H(sibling, r[0]), H(sibling, r[1])]
}

/** Whether a leaf's bytes are at `index` of the tree of `size` with `root`, by the reading above. */
export function includes(leaf: Buffer, index: number, size: number, path: Buffer[], root: Buffer): boolean {
  return rootFromPath(sha(Buffer.from([0]), leaf), index, size, path)?.equals(root) === true
}

/** Whether the tree of `from` with `fromRoot` is a prefix of the tree of `to` with `toRoot`, by the reading above. */
export function extendsTree(
  from: number,
  to: number,
  fromRoot: Buffer,
  toRoot: Buffer,
  proof: Buffer[],
): boolean {
  if (from === to) return proof.length === 0 && fromRoot.equals(toRoot)
  const roots = rootsFromProof(from, to, proof, fromRoot, true)
  if (!roots) return false
  return roots[0].equals(fromRoot) && roots[1].equals(toRoot)
}
