import { randomUUID } from 'node:crypto'
import { CloseCode, type CloseCodeValue, closeReason } from '@consent-sync/protocol'
import type { FastifyBaseLogger } from 'fastify'
import type { WebSocket } from 'ws'
import type { Metrics } from '../metrics/metrics'
import { newPeerPresence, type Peer, type PeerUser } from './peer'

/**
 * How long a closing connection waits for the peer's close frame before the socket is dropped.
 * ws would wait 30 s, holding a restarting server that long for each unreachable client.
 */
export const CLOSE_HANDSHAKE_MS = 2000

/** Bytes of messages read after a close (sent before the peer saw it) before reading stops. */
const READ_AFTER_CLOSE_BYTES = 64 * 1024

/** The TCP socket under a WebSocket, held back for a turn so that its frames go out in one write. */
export interface Corkable {
  cork(): void
  uncork(): void
}

/**
 * The server's side of one WebSocket from the upgrade on, before and after authentication:
 * it closes once, reads nothing more into memory after its close (a peer that keeps sending is
 * paused, so its bytes stay in the kernel's buffers and then its own), and drops the socket when the
 * peer does not finish the close handshake in time. A peer that does not read what it is sent is
 * closed once its unsent bytes pass the cap (DESIGN.md §10).
 */
export class SyncSocket {
  private closing = false
  private readAfterClose = 0
  private corked = false

  constructor(
    private readonly socket: WebSocket,
    private readonly tcp: Corkable,
    private readonly maxUnsentBytes: number,
    private readonly metrics: Metrics,
    private readonly log: FastifyBaseLogger,
  ) {}

  get closed(): boolean {
    return this.closing
  }

  /**
   * Whether an incoming message is to be handled; after the close none is. A few messages that
   * crossed the close frame are let through so the close handshake can finish; past that the
   * socket stops being read.
   */
  admit(bytes: number): boolean {
    if (!this.closing) return true
    this.readAfterClose += bytes
    if (this.readAfterClose > READ_AFTER_CLOSE_BYTES) this.socket.pause()
    return false
  }

  /** The peer closed (or the socket died): nothing more is sent. */
  markClosed(): void {
    this.closing = true
  }

  send(message: Uint8Array): void {
    if (this.closing || this.socket.readyState !== this.socket.OPEN) return
    // Frames sent in one turn (a handshake's step 1, presence and step 2; an ack and what follows
    // it) leave in one write: a write is a system call, and they were a tenth of the CPU.
    if (!this.corked) {
      this.corked = true
      this.tcp.cork()
      process.nextTick(uncork, this)
    }
    this.socket.send(message, { binary: true })
    if (this.socket.bufferedAmount > this.maxUnsentBytes) {
      this.metrics.slowReadersClosed.inc()
      this.close(
        CloseCode.SlowReader,
        `slow reader: over ${this.maxUnsentBytes} bytes unsent; reconnect to resync`,
      )
    }
  }

  /** The end of the turn: what was sent in it goes out (`uncork`). */
  flush(): void {
    this.corked = false
    this.tcp.uncork()
  }

  close(code: CloseCodeValue, reason: string, fields: object = {}): void {
    if (this.closing) return
    this.closing = true
    this.metrics.connectionsClosed.inc({ code: String(code) })
    this.log.info({ ...fields, code, reason }, 'closing sync connection')
    const socket = this.socket
    if (socket.readyState === socket.CLOSED) return
    socket.close(code, closeReason(reason))
    const drop = setTimeout(() => {
      if (socket.readyState !== socket.CLOSED) socket.terminate()
    }, CLOSE_HANDSHAKE_MS)
    drop.unref()
    socket.once('close', () => clearTimeout(drop))
  }
}

/** Passed to process.nextTick with its socket: no closure per socket. */
function uncork(socket: SyncSocket): void {
  socket.flush()
}

/**
 * A connection id: a random UUID as one flat string. Node builds `randomUUID()`'s text by
 * concatenation, a tree of some fifteen strings (~450 bytes) kept for the connection's life.
 */
function connectionId(): string {
  return Buffer.from(randomUUID(), 'latin1').toString('latin1')
}

/** A WebSocket as a room sees it, once authenticated: send, close with a `CloseCode`. */
export class SocketPeer implements Peer {
  readonly id = connectionId()
  readonly presence = newPeerPresence()

  constructor(
    private readonly socket: SyncSocket,
    readonly user: PeerUser,
    readonly wantsAck: boolean,
  ) {}

  get closed(): boolean {
    return this.socket.closed
  }

  send(message: Uint8Array): void {
    this.socket.send(message)
  }

  close(code: CloseCodeValue, reason: string): void {
    this.socket.close(code, reason, { connectionId: this.id, userId: this.user.id })
  }
}
