import type { ConnectionUser } from '@consent-sync/consent-core'
import type { CloseCodeValue } from '@consent-sync/protocol'

/** What the room keeps of one connection's presence (DESIGN.md §5, sync/presence.ts). */
export interface PeerPresence {
  /** Client ids this connection speaks for, with the last clock it sent for each. */
  readonly owned: Map<number, number>
  /** Client ids the server told this connection about, with the highest clock it sent. */
  readonly heard: Map<number, number>
}

export function newPeerPresence(): PeerPresence {
  return { owned: new Map(), heard: new Map() }
}

/** Who a connection speaks for: the identity from its verified token. */
export type PeerUser = ConnectionUser & { name: string }

/** What a room needs of a connection (its socket: sync/socket.ts). */
export interface Peer {
  readonly id: string
  readonly user: PeerUser
  /** Whether the client asked for durable acks (default yes; `?ack=0` turns them off). */
  readonly wantsAck: boolean
  /** The client ids it speaks for and what it heard of others'. */
  readonly presence: PeerPresence
  readonly closed: boolean
  send(message: Uint8Array): void
  close(code: CloseCodeValue, reason: string): void
}
