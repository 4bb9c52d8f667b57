import type { ConnectionUser } from '@consent-sync/consent-core'
import type { CloseCodeValue } from '@consent-sync/protocol'
import type { PeerPresence } from './presence'

/** What a room needs of a connection (sync/connection.ts). */
export interface Peer {
  readonly id: string
  readonly user: ConnectionUser & { name: string }
  /** Whether the client asked for durable acks (default yes; `?ack=0` turns them off). */
  readonly wantsAck: boolean
  /** The client ids it speaks for and what it heard of others' (sync/presence.ts). */
  readonly presence: PeerPresence
  readonly closed: boolean
  send(message: Uint8Array): void
  close(code: CloseCodeValue, reason: string): void
}
