import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signCheckpoint } from './checkpoint'
import { headLeafHash } from './leaf'
import { consistencyProof, treeRoot } from './merkle'
import { noteSigner, openNote, parseVerifierKey } from './note'
import { witnessCheckpoint } from './witness'

const ORIGIN = 'consent-sync.example/unit'

function setup() {
  const signer = noteSigner(ORIGIN, randomBytes(32))
  const verifier = parseVerifierKey(signer.verifierKey)
  if (!verifier) throw new Error('verifier key does not parse')
  const leaves = Array.from({ length: 9 }, (_, i) =>
    headLeafHash({ customerId: `C-${i}`, seq: i + 1, hash: i.toString(16).padStart(64, '0') }),
  )
  const at = (size: number, hashes = leaves) => ({ origin: ORIGIN, size, root: treeRoot(hashes, size) })
  const proofOf = async (from: number, to: number) => consistencyProof(leaves, from, to)
  return { signer, verifier, leaves, at, proofOf }
}

describe('signed notes', () => {
  it('opens a note signed by the key, and refuses one altered, unsigned by it, or of another key of the same name', () => {
    const { signer, verifier } = setup()
    const note = signer.sign('consent-sync.example/unit\n3\nAAAA\n')
    expect(openNote(note, verifier)).toEqual({ ok: true, body: 'consent-sync.example/unit\n3\nAAAA\n' })
    expect(openNote(note.replace('\n3\n', '\n4\n'), verifier)).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    })
    const impostor = noteSigner(ORIGIN, randomBytes(32))
    expect(openNote(impostor.sign('consent-sync.example/unit\n3\nAAAA\n'), verifier)).toMatchObject({
      ok: false,
      reason: 'unsigned',
    })
    expect(openNote('no signature\n', verifier)).toMatchObject({ ok: false, reason: 'malformed' })
  })
})

describe('witnessCheckpoint', () => {
  it('accepts the first checkpoint, the same one again, and a consistent larger one', async () => {
    const { signer, verifier, at, proofOf } = setup()
    const first = await witnessCheckpoint(null, signCheckpoint(at(3), signer), verifier, proofOf)
    if (!first.ok) throw new Error(first.detail)
    expect(first.value.size).toBe(3)
    expect((await witnessCheckpoint(first.value, signCheckpoint(at(3), signer), verifier, proofOf)).ok).toBe(
      true,
    )
    const next = await witnessCheckpoint(first.value, signCheckpoint(at(9), signer), verifier, proofOf)
    expect(next.ok && next.value.size).toBe(9)
  })

  it('refuses a fork of the same size, a smaller one, an inconsistent larger one, and another key', async () => {
    const { signer, verifier, leaves, at, proofOf } = setup()
    const seen = at(5)
    const forkedLeaves = [
      ...leaves.slice(0, 4),
      headLeafHash({ customerId: 'C-4', seq: 9, hash: 'f'.repeat(64) }),
      ...leaves.slice(5),
    ]
    const fork = await witnessCheckpoint(seen, signCheckpoint(at(5, forkedLeaves), signer), verifier, proofOf)
    expect(fork).toMatchObject({ ok: false, reason: 'fork' })
    expect(await witnessCheckpoint(seen, signCheckpoint(at(4), signer), verifier, proofOf)).toMatchObject({
      ok: false,
      reason: 'older',
    })
    const forkedProof = async (from: number, to: number) => consistencyProof(forkedLeaves, from, to)
    expect(
      await witnessCheckpoint(seen, signCheckpoint(at(8, forkedLeaves), signer), verifier, forkedProof),
    ).toMatchObject({ ok: false, reason: 'inconsistent' })
    const other = noteSigner(ORIGIN, randomBytes(32))
    expect(await witnessCheckpoint(seen, signCheckpoint(at(8), other), verifier, proofOf)).toMatchObject({
      ok: false,
      reason: 'unverified',
    })
  })
})
