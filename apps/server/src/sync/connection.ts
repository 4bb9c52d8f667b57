import { randomUUID } from 'node:crypto'
import type { ConnectionUser } from '@consent-sync/consent-core'
import type { FastifyBaseLogger } from 'fastify'
import type { WebSocket } from 'ws'
import type { Metrics } from '../metrics/metrics'
import { type CloseCodeValue, closeReason } from './close-codes'
import type { Peer } from './peer'
import { newPeerPresence } from './presence'

/**
 * How long a closing connection waits for the peer's close frame before the socket is dropped.
 * ws would wait 30 s, holding a restarting server that long for each unreachable client.
 */
export const CLOSE_HANDSHAKE_MS = 2000

/** A WebSocket as a room sees it: send, close with a code of close-codes.ts, and nothing more. */
export class SocketPeer implements Peer {
  readonly id = randomUUID()
  readonly presence = newPeerPresence()
  private isClosed = false

  constructor(
    private readonly socket: WebSocket,
    readonly user: ConnectionUser & { name: string },
    readonly wantsAck: boolean,
    private readonly metrics: Metrics,
    private readonly log: FastifyBaseLogger,
  ) {}

  get closed(): boolean {
    return this.isClosed
  }

  /** Marks the peer closed when the socket closed from the other side. */
  markClosed(): void {
    this.isClosed = true
  }

  send(message: Uint8Array): void {
    if (this.isClosed || this.socket.readyState !== this.socket.OPEN) return
    this.socket.send(message, { binary: true })
  }

  close(code: CloseCodeValue, reason: string): void {
    if (this.isClosed) return
    this.isClosed = true
    this.metrics.connectionsClosed.inc({ code: String(code) })
    this.log.info({ connectionId: this.id, userId: this.user.id, code, reason }, 'closing sync connection')
    this.socket.close(code, closeReason(reason))
    const socket = this.socket
    const drop = setTimeout(() => {
      if (socket.readyState !== socket.CLOSED) socket.terminate()
    }, CLOSE_HANDSHAKE_MS)
    drop.unref()
    socket.once('close', () => clearTimeout(drop))
  }
}
