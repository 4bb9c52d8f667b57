import type { Peer } from '../peer'

/** An update a connection sent, as it enters its room's pipeline. */
export interface IncomingUpdate {
  peer: Peer
  update: Uint8Array
  /** The server's receive time: the authoritative time of its decisions. */
  receivedAt: string
  /** `performance.now()` at receipt, for the broadcast latency metric. */
  receivedAtMs: number
}
