import { type Checkpoint, openCheckpoint } from './checkpoint'
import { verifyConsistency } from './merkle'
import type { NoteVerifier } from './note'

/** Why a witness refuses a checkpoint (docs/checkpoints.md "Witness"). */
export type WitnessRefusal =
  /** Not signed by the key, not a checkpoint, or of another log. */
  | 'unverified'
  /** Smaller than the checkpoint already seen: the log would have shrunk. */
  | 'older'
  /** The size already seen, another root. */
  | 'fork'
  /** Larger, but the log it describes does not extend the one seen (or no proof says it does). */
  | 'inconsistent'

export type WitnessVerdict =
  | { ok: true; value: Checkpoint; previous: Checkpoint | null }
  | { ok: false; reason: WitnessRefusal; detail: string }

const b64 = (b: Buffer) => b.toString('base64')

/**
 * Whether `text` may follow `seen`: signed by `verifier`, of the same origin, and an extension of
 * it by an RFC 6962 consistency proof that `proofOf` fetches.
 */
export async function witnessCheckpoint(
  seen: Checkpoint | null,
  text: string,
  verifier: NoteVerifier,
  proofOf: (from: number, to: number) => Promise<Buffer[]>,
): Promise<WitnessVerdict> {
  const opened = openCheckpoint(text, verifier, seen?.origin)
  if (!opened.ok) return { ok: false, reason: 'unverified', detail: `${opened.reason}: ${opened.detail}` }
  const next = opened.value
  if (!seen) return { ok: true, value: next, previous: null }
  if (next.size < seen.size) {
    return {
      ok: false,
      reason: 'older',
      detail: `size ${next.size} is smaller than the size ${seen.size} already seen`,
    }
  }
  if (next.size === seen.size) {
    return next.root.equals(seen.root)
      ? { ok: true, value: next, previous: seen }
      : {
          ok: false,
          reason: 'fork',
          detail: `size ${next.size} has root ${b64(next.root)}, but the checkpoint seen of that size has ${b64(seen.root)}`,
        }
  }
  let proof: Buffer[]
  try {
    proof = await proofOf(seen.size, next.size)
  } catch (err) {
    return {
      ok: false,
      reason: 'inconsistent',
      detail: `no consistency proof from ${seen.size} to ${next.size}: ${String(err)}`,
    }
  }
  if (!verifyConsistency(seen.size, next.size, seen.root, next.root, proof)) {
    return {
      ok: false,
      reason: 'inconsistent',
      detail: `the log of size ${next.size} does not extend the log of size ${seen.size} seen before (root ${b64(seen.root)}): a fork or a rewritten log`,
    }
  }
  return { ok: true, value: next, previous: seen }
}
