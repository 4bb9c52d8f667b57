import { canonicalJson, GENESIS, sha256Hex } from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import type { AdminEntry, AdminRecord } from '../store/catalog-store'
import { adminEntryHash, chainAdmin, verifyAdminChain } from './admin-chain'

function record(i: number): AdminRecord {
  return {
    action: 'version.publish',
    target: `version:marketing-sms@1.${i}`,
    actorId: 'admin1',
    actorRole: 'admin',
    at: `2026-11-02T08:0${i}:00.000Z`,
    details: { version: `1.${i}`, material: i % 2 === 0, texts: { si: 'කෙටි පණිවිඩ', ta: 'குறுஞ்செய்தி' } },
  }
}

function setup(n = 4) {
  const entries: AdminEntry[] = []
  let head = GENESIS
  for (let i = 1; i <= n; i++) {
    const e = chainAdmin(head, record(i))
    entries.push(e)
    head = e
  }
  return { entries, head }
}

describe('admin chain', () => {
  it('hashes every field but hash, canonically, and chains seq 1..n onto genesis', () => {
    const { entries, head } = setup()
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4])
    expect(entries[0]!.prevHash).toBe(GENESIS.hash)
    expect(entries[1]!.prevHash).toBe(entries[0]!.hash)
    const { hash, ...unhashed } = entries[2]!
    expect(hash).toBe(sha256Hex(canonicalJson(unhashed)))
    expect(adminEntryHash({ ...unhashed, details: { ...unhashed.details } })).toBe(hash)
    expect(verifyAdminChain(entries)).toEqual({ ok: true, head: { seq: 4, hash: head.hash } })
    expect(verifyAdminChain([])).toEqual({ ok: true, head: GENESIS })
    expect(verifyAdminChain(entries.slice(2), { seq: 2, hash: entries[1]!.hash }).ok).toBe(true)
  })

  it('keeps only the record fields, with details as JSON gives them back', () => {
    const extra = { ...record(1), note: 'not a field', details: { at: new Date(0), gone: undefined, n: 1 } }
    const e = chainAdmin(GENESIS, extra)
    expect(Object.keys(e).sort()).toEqual(
      ['action', 'actorId', 'actorRole', 'at', 'details', 'hash', 'prevHash', 'seq', 'target'].sort(),
    )
    expect(e.details).toEqual({ at: '1970-01-01T00:00:00.000Z', n: 1 })
    expect(JSON.parse(JSON.stringify(e))).toEqual(e)
    expect(verifyAdminChain([JSON.parse(JSON.stringify(e)) as AdminEntry]).ok).toBe(true)
  })

  it('names the first entry that was altered, removed, reordered or inserted', () => {
    const { entries } = setup()
    const [a, b, c, d] = entries as [AdminEntry, AdminEntry, AdminEntry, AdminEntry]
    expect(verifyAdminChain([a, b, { ...c, details: { ...c.details, material: true } }, d])).toMatchObject({
      ok: false,
      index: 2,
      seq: 3,
      reason: 'hash-mismatch',
    })
    expect(verifyAdminChain([a, b, { ...c, actorId: 'someone-else' }, d])).toMatchObject({
      seq: 3,
      reason: 'hash-mismatch',
    })
    expect(verifyAdminChain([a, c, d])).toMatchObject({ ok: false, index: 1, seq: 3, reason: 'seq-gap' })
    expect(verifyAdminChain([a, c, b, d])).toMatchObject({ index: 1, reason: 'seq-gap' })
    expect(verifyAdminChain([b, c, d])).toMatchObject({ index: 0, seq: 2, reason: 'seq-gap' })
    // A forged entry in the right place, hashed correctly, still does not link to the one before.
    const forged = chainAdmin({ seq: 2, hash: GENESIS.hash }, record(9))
    expect(verifyAdminChain([a, b, forged, d])).toMatchObject({ index: 2, seq: 3, reason: 'broken-link' })
  })
})
