import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { mth, rootFromPath, rootsFromProof } from '../testing/merkle-reference'
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from './merkle'

const leaves = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`leaf ${i}`))
const flip = (b: Buffer) => {
  const c = Buffer.from(b)
  c[0] = (c[0] as number) ^ 1
  return c
}

describe('RFC 6962 Merkle tree', () => {
  it('has the root of the RFC 6962 test vectors for the empty tree and one empty leaf', () => {
    expect(treeRoot([]).toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    )
    expect(treeRoot([leafHash(Buffer.alloc(0))]).toString('hex')).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    )
  })

  it('proves and verifies inclusion at random sizes, by both verifiers', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 300 })
          .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }))),
        ([n, m]) => {
          const data = leaves(n)
          const hashes = data.map(leafHash)
          const root = treeRoot(hashes)
          expect(root.equals(mth(data))).toBe(true)
          const path = inclusionProof(hashes, m, n)
          const leaf = hashes[m] as Buffer
          expect(verifyInclusion(leaf, m, n, path, root)).toBe(true)
          expect(rootFromPath(leaf, m, n, path)?.equals(root)).toBe(true)
          if (path.length > 0) {
            const bad = path.map((p, i) => (i === 0 ? flip(p) : p))
            expect(verifyInclusion(leaf, m, n, bad, root)).toBe(false)
            expect(rootFromPath(leaf, m, n, bad)?.equals(root)).toBe(false)
          }
          expect(verifyInclusion(flip(leaf), m, n, path, root)).toBe(false)
          if (n > 1) expect(verifyInclusion(leaf, (m + 1) % n, n, path, root)).toBe(false)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('proves and verifies consistency between random sizes, by both verifiers', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 300 })
          .chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n))),
        ([m, n]) => {
          const hashes = leaves(n).map(leafHash)
          const oldRoot = treeRoot(hashes, m)
          const newRoot = treeRoot(hashes)
          const proof = consistencyProof(hashes, m, n)
          expect(verifyConsistency(m, n, oldRoot, newRoot, proof)).toBe(true)
          const roots = rootsFromProof(m, n, proof, oldRoot, true)
          expect(roots?.[0].equals(oldRoot) && roots[1].equals(newRoot)).toBe(true)
          // Another old tree of the same size (a fork) is not consistent with the new one.
          const forked = treeRoot([...hashes.slice(0, m - 1), flip(hashes[m - 1] as Buffer)], m)
          expect(verifyConsistency(m, n, forked, newRoot, proof)).toBe(false)
          if (proof.length > 0) {
            const bad = proof.map((p, i) => (i === proof.length - 1 ? flip(p) : p))
            expect(verifyConsistency(m, n, oldRoot, newRoot, bad)).toBe(false)
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
