import type { ConnectionUser, UserRole } from '@consent-sync/consent-core'
import { CloseCode, type CloseCodeValue, MessageType, parseMessage } from '@consent-sync/protocol'
import type {} from '@fastify/swagger'
import type {} from '@fastify/websocket'
import type { FastifyInstance } from 'fastify'
import type { WebSocket } from 'ws'
import { verifyToken } from '../auth/tokens'
import type { ServerContext } from '../context'
import { SocketPeer, SyncSocket } from './connection'
import { originAllowed } from './origin'
import type { Room } from './room'
import type { RoomRegistry } from './room-registry'
import { TokenBucket } from './token-bucket'

const CUSTOMER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/

interface UserSlot {
  connections: number
  bucket: TokenBucket
}

/**
 * The y-websocket endpoint `GET /sync/:customerId?token=<JWT>[&ack=0]` (DESIGN.md §5, §6.1).
 * Authentication happens after the upgrade so that a browser sees the close code and reason.
 */
export function registerSync(app: FastifyInstance, ctx: ServerContext & { rooms: RoomRegistry }): void {
  const rooms = ctx.rooms
  const { config, metrics } = ctx
  // One message of the largest size, and the handshake frames around it.
  const maxBytesBeforeReady = config.limits.maxMessageBytes + 64 * 1024
  const users = new Map<string, UserSlot>()
  const slotFor = (userId: string): UserSlot => {
    let slot = users.get(userId)
    if (!slot) {
      const rate = config.limits.userMessagesPerSecond
      slot = { connections: 0, bucket: new TokenBucket(rate, rate * 2) }
      users.set(userId, slot)
    }
    return slot
  }

  app.get<{ Params: { customerId: string }; Querystring: Record<string, string | undefined> }>(
    '/sync/:customerId',
    { websocket: true, schema: { hide: true } },
    (socket: WebSocket, req) => {
      const receivedBeforeReady: { data: Uint8Array; at: string; atMs: number }[] = []
      let bytesBeforeReady = 0
      let room: Room | null = null
      let peer: SocketPeer | null = null
      let slot: UserSlot | null = null
      let expiry: NodeJS.Timeout | undefined
      const connBucket = new TokenBucket(config.limits.messagesPerSecond, config.limits.messagesPerSecond * 2)
      const log = req.log
      const conn = new SyncSocket(socket, config.limits.maxUnsentBytes, metrics, log)
      const close = (code: CloseCodeValue, reason: string) =>
        peer ? peer.close(code, reason) : conn.close(code, reason)

      const handle = (data: Uint8Array, at: string, atMs: number) => {
        if (!room || !peer || peer.closed) return
        const message = parseMessage(data)
        switch (message.kind) {
          case 'malformed':
            return peer.close(CloseCode.Malformed, `malformed message: ${message.detail}`)
          case 'sync-step1':
            if (!room.answerStep1(peer, message.stateVector)) {
              peer.close(CloseCode.Malformed, 'malformed message: bad state vector')
            }
            return
          case 'sync-step2':
          case 'sync-update':
            // Shutting down: not judged, not acknowledged; the client resends after reconnecting.
            if (!rooms.accepting) return
            room.submit(peer, message.update, at, atMs)
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
          case 'auth':
            return
          case 'durable':
            // The server's own message: a client sending it is not speaking the protocol (SPEC 2.7).
            return peer.close(
              CloseCode.Malformed,
              `malformed message: unknown message type ${MessageType.Durable}`,
            )
          case 'refresh-token':
            return refresh(message.token)
        }
      }

      const refresh = (token: string) => {
        const verdict = verifyToken(app, token)
        if (!peer) return
        if (!verdict.ok || verdict.claims.sub !== peer.user.id || verdict.claims.role !== peer.user.role) {
          return peer.close(CloseCode.Unauthorized, 'refreshed token is not valid for this connection')
        }
        armExpiry(verdict.claims.exp)
      }

      const armExpiry = (exp: number | undefined) => {
        clearTimeout(expiry)
        if (exp === undefined) return
        const ms = Math.max(0, exp * 1000 - Date.now())
        expiry = setTimeout(
          () => peer?.close(CloseCode.Unauthorized, 'token expired: sign in again'),
          Math.min(ms, 2 ** 31 - 1),
        )
        expiry.unref()
      }

      socket.on('message', (raw: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
        const data = toBytes(raw)
        // After a close nothing more is handled, and soon nothing more is read (DESIGN.md §10).
        if (!conn.admit(data.byteLength)) return
        if (data.byteLength > config.limits.maxMessageBytes) {
          return close(
            CloseCode.TooLarge,
            `message of ${data.byteLength} bytes exceeds ${config.limits.maxMessageBytes}`,
          )
        }
        if (!isBinary) return close(CloseCode.Malformed, 'malformed message: text frame')
        if (!connBucket.take() || (slot !== null && !slot.bucket.take())) {
          return close(CloseCode.RateLimited, 'rate limited: too many messages, try again later')
        }
        const at = new Date().toISOString()
        const atMs = performance.now()
        if (room) return handle(data, at, atMs)
        // Held until the connection is authorised and its document loaded: bounded in bytes.
        bytesBeforeReady += data.byteLength
        if (bytesBeforeReady > maxBytesBeforeReady) {
          return close(CloseCode.RateLimited, 'rate limited: too much sent before the connection was ready')
        }
        receivedBeforeReady.push({ data, at, atMs })
      })

      socket.on('close', () => {
        clearTimeout(expiry)
        conn.markClosed()
        receivedBeforeReady.length = 0
        if (peer && room) rooms.close(room, peer)
        if (slot) slot.connections--
      })

      const start = async () => {
        const customerId = req.params.customerId
        const verdict = verifyToken(app, req.query.token)
        if (!verdict.ok) return conn.close(CloseCode.Unauthorized, `unauthorized: ${verdict.reason} token`)
        if (!originAllowed(req.headers.origin, req.headers.host, config.allowedOrigins)) {
          log.warn({ origin: req.headers.origin, customerId }, 'sync origin refused')
          return conn.close(CloseCode.Forbidden, 'forbidden: this origin is not allowed (ALLOWED_ORIGINS)')
        }
        const claims = verdict.claims
        if (!CUSTOMER_ID.test(customerId)) return conn.close(CloseCode.NotFound, 'no such customer')
        if (claims.role === 'customer' && claims.customerId !== customerId) {
          return conn.close(CloseCode.Forbidden, 'forbidden: a customer may open only their own record')
        }
        if (!rooms.accepting) return conn.close(CloseCode.Restarting, 'server restarting')
        const customer = await ctx.store.getCustomer(customerId)
        if (socket.readyState !== socket.OPEN) return
        if (!customer) return conn.close(CloseCode.NotFound, 'no such customer')
        slot = slotFor(claims.sub)
        if (slot.connections >= config.limits.maxConnectionsPerUser) {
          slot = null
          return conn.close(CloseCode.RateLimited, 'too many connections for this user, try again later')
        }
        slot.connections++
        const user: ConnectionUser & { name: string } = {
          id: claims.sub,
          role: claims.role as UserRole,
          name: claims.name,
          ...(claims.customerId !== undefined ? { customerId: claims.customerId } : {}),
        }
        peer = new SocketPeer(conn, user, req.query.ack !== '0')
        armExpiry(claims.exp)
        const opened = await rooms.open(customerId, peer)
        if (conn.closed || socket.readyState !== socket.OPEN) {
          rooms.close(opened, peer)
          return
        }
        room = opened
        log.info(
          { customerId, connectionId: peer.id, userId: user.id, role: user.role },
          'sync connection open',
        )
        for (const m of receivedBeforeReady.splice(0)) handle(m.data, m.at, m.atMs)
      }

      start().catch((err) => {
        log.error({ err }, 'opening a sync connection failed')
        close(CloseCode.StorageError, 'storage error: try again later')
      })
    },
  )
}

function toBytes(raw: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(raw)) return new Uint8Array(Buffer.concat(raw))
  if (raw instanceof ArrayBuffer) return new Uint8Array(raw)
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)
}
