import { CloseCode, type CloseCodeValue } from '@consent-sync/protocol'
import type { FastifyBaseLogger } from 'fastify'
import type { WebSocket } from 'ws'
import type { TokenVerdict } from '../auth/tokens'
import type { Config } from '../config'
import type { Metrics } from '../metrics/metrics'
import type { AdmissionRequest, Admissions, UserAllowance } from './admission'
import { decode } from './pipeline/decode'
import type { Room } from './room'
import type { RoomRegistry } from './room-registry'
import { type Corkable, SocketPeer, SyncSocket } from './socket'
import { TokenBucket } from './token-bucket'

export interface SessionDeps {
  admissions: Admissions
  rooms: RoomRegistry
  verifyToken(token: string): Promise<TokenVerdict>
  config: Pick<Config, 'limits'>
  metrics: Metrics
}

/** A message read before the connection was admitted and its document loaded. */
interface Held {
  frame: Uint8Array
  at: string
  atMs: number
}

/**
 * One sync connection from the upgrade to its close: its socket (sync/socket.ts), what it may send
 * (size, frames, rate, a bounded amount before it is ready), its admission, the room it joins, the
 * dispatch of each decoded message, and its token's expiry (pushed back by a refresh).
 */
export class Session {
  private readonly conn: SyncSocket
  private readonly bucket: TokenBucket
  /** Held until the connection is admitted and its document loaded: bounded in bytes. */
  private held: Held[] | null = []
  private heldBytes = 0
  private allowance: UserAllowance | null = null
  private peer: SocketPeer | null = null
  private room: Room | null = null
  private expiry: NodeJS.Timeout | undefined

  static open(
    socket: WebSocket,
    tcp: Corkable,
    request: AdmissionRequest,
    log: FastifyBaseLogger,
    deps: SessionDeps,
  ): Session {
    const session = new Session(socket, tcp, request, log, deps)
    socket.on('message', (raw: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) =>
      session.receive(toBytes(raw), isBinary),
    )
    socket.on('close', () => session.closed())
    session.start().catch((err: unknown) => {
      log.error({ err }, 'opening a sync connection failed')
      session.close(CloseCode.StorageError, 'storage error: try again later')
    })
    return session
  }

  private constructor(
    private readonly socket: WebSocket,
    tcp: Corkable,
    private request: AdmissionRequest | null,
    private readonly log: FastifyBaseLogger,
    private readonly deps: SessionDeps,
  ) {
    const { limits } = deps.config
    this.conn = new SyncSocket(socket, tcp, limits.maxUnsentBytes, deps.metrics, log)
    this.bucket = new TokenBucket(limits.messagesPerSecond, limits.messagesPerSecond * 2)
  }

  /** Admission, then the room: the held messages are handled once it is joined. */
  private async start(): Promise<void> {
    const request = this.request
    // The request (its token above all) is not kept for the connection's lifetime.
    this.request = null
    if (!request) return
    const admission = await this.deps.admissions.admit(request, this.log, () => this.socketOpen)
    if (!admission.ok) {
      if (admission.close) this.conn.close(admission.close.code, admission.close.reason)
      return
    }
    this.allowance = admission.allowance
    const peer = new SocketPeer(this.conn, admission.user, admission.wantsAck)
    this.peer = peer
    this.armExpiry(admission.expiresAt)
    const { rooms } = this.deps
    const room = await rooms.open(request.customerId, peer)
    if (this.conn.closed || !this.socketOpen) {
      rooms.close(room, peer)
      return
    }
    this.room = room
    const { id: userId, role } = admission.user
    this.log.info(
      { customerId: request.customerId, connectionId: peer.id, userId, role },
      'sync connection open',
    )
    this.release()
  }

  /** Handles the held messages in order; one of them may hold what follows it again (a refresh). */
  private release(): void {
    const held = this.held ?? []
    this.held = null
    this.heldBytes = 0
    for (let i = 0; i < held.length; i++) {
      if (this.held !== null) {
        ;(this.held as Held[]).push(...held.slice(i))
        return
      }
      const m = held[i] as Held
      this.handle(m.frame, m.at, m.atMs)
    }
  }

  private get socketOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN
  }

  /** Intake of one frame: nothing after the close, size, binary, rate; then handled or held. */
  private receive(frame: Uint8Array, isBinary: boolean) {
    const { maxMessageBytes } = this.deps.config.limits
    // After a close nothing more is handled, and soon nothing more is read (DESIGN.md §10).
    if (!this.conn.admit(frame.byteLength)) return
    if (frame.byteLength > maxMessageBytes) {
      return this.close(CloseCode.TooLarge, `message of ${frame.byteLength} bytes exceeds ${maxMessageBytes}`)
    }
    if (!isBinary) return this.close(CloseCode.Malformed, 'malformed message: text frame')
    if (!this.bucket.take() || (this.allowance !== null && !this.allowance.take())) {
      return this.close(CloseCode.RateLimited, 'rate limited: too many messages, try again later')
    }
    const at = new Date().toISOString()
    const atMs = performance.now()
    if (this.room && this.held === null) return this.handle(frame, at, atMs)
    // One message of the largest size, and the handshake frames around it.
    this.heldBytes += frame.byteLength
    if (this.heldBytes > maxMessageBytes + 64 * 1024) {
      return this.close(CloseCode.RateLimited, 'rate limited: too much sent before the connection was ready')
    }
    this.held?.push({ frame, at, atMs })
  }

  /** decode, then each kind of message where it goes. */
  private handle(frame: Uint8Array, receivedAt: string, receivedAtMs: number) {
    const { room, peer } = this
    if (!room || !peer || peer.closed) return
    const message = decode(frame)
    switch (message.kind) {
      case 'malformed':
        return peer.close(CloseCode.Malformed, `malformed message: ${message.detail}`)
      case 'step1':
        if (!room.answerStep1(peer, message.stateVector)) {
          peer.close(CloseCode.Malformed, 'malformed message: bad state vector')
        }
        return
      case 'update':
        // Shutting down: not judged, not acknowledged; the client resends after reconnecting.
        if (!this.deps.rooms.accepting) return
        void room.submit({ peer, update: message.update, receivedAt, receivedAtMs })
        return
      case 'awareness': {
        const verdict = room.applyAwareness(peer, message.update)
        if (verdict.ok) return
        return verdict.problem === 'too-large'
          ? peer.close(CloseCode.TooLarge, verdict.detail)
          : peer.close(CloseCode.Malformed, `malformed message: ${verdict.detail}`)
      }
      case 'query-awareness':
        return room.sendAwarenessTo(peer)
      case 'refresh-token':
        // What follows waits for the verdict: nothing sent after a refused token is judged.
        this.held = []
        void this.refresh(message.token).finally(() => this.release())
        return
      case 'ignored':
        return
    }
  }

  /** A fresh token of the same user: the connection now closes at its expiry (protocol SPEC 2.6). */
  private async refresh(token: string) {
    const { peer } = this
    if (!peer) return
    const verdict = await this.deps.verifyToken(token)
    if (peer.closed) return
    if (verdict.ok === false && verdict.reason === 'unavailable') return // the current token still holds
    if (!verdict.ok || verdict.claims.sub !== peer.user.id || verdict.claims.role !== peer.user.role) {
      return peer.close(CloseCode.Unauthorized, 'refreshed token is not valid for this connection')
    }
    this.armExpiry(verdict.claims.exp)
  }

  private armExpiry(exp: number | undefined): void {
    clearTimeout(this.expiry)
    if (exp === undefined) return
    const ms = Math.max(0, exp * 1000 - Date.now())
    this.expiry = setTimeout(
      () => this.peer?.close(CloseCode.Unauthorized, 'token expired: sign in again'),
      Math.min(ms, 2 ** 31 - 1),
    )
    this.expiry.unref()
  }

  private close(code: CloseCodeValue, reason: string): void {
    if (this.peer) this.peer.close(code, reason)
    else this.conn.close(code, reason)
  }

  /** The socket closed (either side): the room and the user's slot are released. */
  private closed(): void {
    clearTimeout(this.expiry)
    this.conn.markClosed()
    this.held = null
    if (this.peer && this.room) this.deps.rooms.close(this.room, this.peer)
    this.allowance?.release()
  }
}

function toBytes(raw: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(raw)) return new Uint8Array(Buffer.concat(raw))
  if (raw instanceof ArrayBuffer) return new Uint8Array(raw)
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)
}
