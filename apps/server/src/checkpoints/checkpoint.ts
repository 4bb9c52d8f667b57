import { type NoteSigner, type NoteVerifier, openNote } from './note'

/** A C2SP tlog-checkpoint: which log, how many leaves, and the RFC 6962 root over them. */
export interface Checkpoint {
  origin: string
  size: number
  root: Buffer
}

export function checkpointBody(cp: Checkpoint): string {
  return `${cp.origin}\n${cp.size}\n${cp.root.toString('base64')}\n`
}

export function signCheckpoint(cp: Checkpoint, signer: NoteSigner): string {
  return signer.sign(checkpointBody(cp))
}

export type CheckpointProblem = 'malformed' | 'unsigned' | 'bad-signature' | 'other-origin'

export type OpenedCheckpoint =
  | { ok: true; value: Checkpoint; text: string }
  | { ok: false; reason: CheckpointProblem; detail: string }

/** The checkpoint in a signed note, once its signature by `verifier` checks (and its origin, if given). */
export function openCheckpoint(text: string, verifier: NoteVerifier, origin?: string): OpenedCheckpoint {
  const note = openNote(text, verifier)
  if (!note.ok) return note
  const [o, size, root, ...extensions] = note.body.slice(0, -1).split('\n')
  void extensions
  const rootBytes = Buffer.from(root ?? '', 'base64')
  if (!o || !size || !/^(0|[1-9][0-9]*)$/.test(size) || rootBytes.length !== 32) {
    return { ok: false, reason: 'malformed', detail: 'not an origin, a size and a 32-byte base64 root' }
  }
  if (origin !== undefined && o !== origin) {
    return { ok: false, reason: 'other-origin', detail: `origin ${o}, expected ${origin}` }
  }
  return { ok: true, value: { origin: o, size: Number(size), root: rootBytes }, text }
}
