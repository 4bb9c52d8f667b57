import type { ChainHead } from '@consent-sync/consent-core'
import * as Y from 'yjs'
import type { LiveDocument } from '../live-document'
import type { Peer } from '../peer'

/** Origin of changes that came from another instance or the store: not published again. */
export const STORED_ELSEWHERE = Symbol('stored elsewhere')

/**
 * apply, for an update accepted here: durable now, so the live document takes it (its shadow
 * already holds it), and only then does the room keep the new seq and chain head (consent-core SPEC 6.2).
 */
export function applyAccepted(
  live: LiveDocument,
  { update, seq, head, sender }: { update: Uint8Array; seq: number; head: ChainHead; sender: Peer },
): void {
  Y.applyUpdate(live.doc, update, sender)
  live.seq = seq
  live.head = head
}

/**
 * apply, for an update another instance stored under `seq`: the live document and its shadow take
 * it; its audit entries moved the chain head, which is read from the store before the next judgement.
 * False when it is not the next one: what was missed is read from the store instead.
 */
export function applyStored(live: LiveDocument, seq: number, update: Uint8Array): boolean {
  if (seq !== live.seq + 1) return false
  Y.applyUpdate(live.doc, update, STORED_ELSEWHERE)
  live.validator.absorb(update)
  live.seq = seq
  live.head = null
  return true
}
