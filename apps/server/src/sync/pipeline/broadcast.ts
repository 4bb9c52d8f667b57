import { encodeSyncUpdate } from '@consent-sync/protocol'
import type { Peer } from '../peer'

/**
 * broadcast: the update to every connection of the room but its sender, as one frame encoded once.
 * Returns the frame (what a fan-out to other instances could carry as it is).
 */
export function broadcast(update: Uint8Array, peers: Iterable<Peer>, sender?: Peer): Uint8Array {
  const frame = encodeSyncUpdate(update)
  for (const p of peers) if (p !== sender) p.send(frame)
  return frame
}
