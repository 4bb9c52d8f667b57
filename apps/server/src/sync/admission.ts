import type { UserRole } from '@consent-sync/consent-core'
import { CloseCode, type CloseCodeValue } from '@consent-sync/protocol'
import type { FastifyBaseLogger } from 'fastify'
import type { TokenVerdict } from '../auth/tokens'
import type { Config } from '../config'
import type { Directory } from '../store/directory'
import { originAllowed } from './origin'
import type { PeerUser } from './peer'
import { TokenBucket } from './token-bucket'

const CUSTOMER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/

/** What a connection asks for at the upgrade: `GET /sync/<customerId>?token=<JWT>[&ack=0]`. */
export interface AdmissionRequest {
  customerId: string
  token: string | undefined
  /** `?ack=0` turns durable acks off. */
  ack: string | undefined
  /** The browser's Origin header, absent for non-browser clients. */
  origin: string | undefined
  host: string | undefined
}

/** A user's share of the limits across their connections (DESIGN.md §10). */
export interface UserAllowance {
  /** One message of the user's budget; false when it is spent (close 4529). */
  take(): boolean
  /** The connection closed: its slot is free again. */
  release(): void
}

export type Admission =
  | {
      ok: true
      user: PeerUser
      /** The token's `exp` (seconds): the connection is closed then, unless refreshed. */
      expiresAt: number | undefined
      wantsAck: boolean
      allowance: UserAllowance
    }
  /** Refused with `close`; null when the socket went away while the admission looked: nothing to say. */
  | { ok: false; close: { code: CloseCodeValue; reason: string } | null }

export interface AdmissionDeps {
  verifyToken(token: string | undefined): Promise<TokenVerdict>
  config: Pick<Config, 'allowedOrigins' | 'limits'>
  directory: Pick<Directory, 'getCustomer'>
  /** False once the server is shutting down. */
  accepting(): boolean
}

const refuse = (code: CloseCodeValue, reason: string): Admission => ({ ok: false, close: { code, reason } })

/**
 * Everything decided before a connection joins a room, in this order: the token, the page's origin
 * (DESIGN.md §5), the customer id, whether the user may open that customer's document, whether the
 * server still accepts, whether the customer exists, and the user's connection limit. Authentication
 * happens after the upgrade so that a browser sees the close code and reason.
 */
export class Admissions {
  /** Per user, across their connections: how many are open, and one message budget. */
  private readonly users = new Map<string, { connections: number; bucket: TokenBucket }>()

  constructor(private readonly deps: AdmissionDeps) {}

  async admit(
    request: AdmissionRequest,
    log: FastifyBaseLogger,
    stillOpen: () => boolean,
  ): Promise<Admission> {
    const { customerId } = request
    const verdict = await this.deps.verifyToken(request.token)
    if (!stillOpen()) return { ok: false, close: null }
    if (!verdict.ok) {
      if (verdict.reason === 'unavailable')
        return refuse(CloseCode.TryAgainLater, 'identity provider unreachable: try again later')
      if (verdict.reason === 'disabled')
        return refuse(CloseCode.Unauthorized, 'unauthorized: account disabled')
      return refuse(CloseCode.Unauthorized, `unauthorized: ${verdict.reason} token`)
    }
    if (!originAllowed(request.origin, request.host, this.deps.config.allowedOrigins)) {
      log.warn({ origin: request.origin, customerId }, 'sync origin refused')
      return refuse(CloseCode.Forbidden, 'forbidden: this origin is not allowed (ALLOWED_ORIGINS)')
    }
    const claims = verdict.claims
    if (!CUSTOMER_ID.test(customerId)) return refuse(CloseCode.NotFound, 'no such customer')
    if (claims.role === 'customer' && claims.customerId !== customerId) {
      return refuse(CloseCode.Forbidden, 'forbidden: a customer may open only their own record')
    }
    if (!this.deps.accepting()) return refuse(CloseCode.Restarting, 'server restarting')
    const customer = await this.deps.directory.getCustomer(customerId)
    if (!stillOpen()) return { ok: false, close: null }
    if (!customer) return refuse(CloseCode.NotFound, 'no such customer')
    const allowance = this.allowanceFor(claims.sub)
    if (!allowance)
      return refuse(CloseCode.RateLimited, 'too many connections for this user, try again later')
    const user: PeerUser = {
      id: claims.sub,
      role: claims.role as UserRole,
      name: claims.name,
      ...(claims.customerId !== undefined ? { customerId: claims.customerId } : {}),
    }
    return { ok: true, user, expiresAt: claims.exp, wantsAck: request.ack !== '0', allowance }
  }

  /** A slot of the user's connections, or null when they are all taken. */
  private allowanceFor(userId: string): UserAllowance | null {
    const { limits } = this.deps.config
    let slot = this.users.get(userId)
    if (!slot) {
      slot = {
        connections: 0,
        bucket: new TokenBucket(limits.userMessagesPerSecond, limits.userMessagesPerSecond * 2),
      }
      this.users.set(userId, slot)
    }
    if (slot.connections >= limits.maxConnectionsPerUser) return null
    slot.connections++
    return new SlotAllowance(slot)
  }
}

/** One connection's share of its user's slot: methods on a class, no closures per connection. */
class SlotAllowance implements UserAllowance {
  constructor(private readonly slot: { connections: number; bucket: TokenBucket }) {}

  take(): boolean {
    return this.slot.bucket.take()
  }

  release(): void {
    this.slot.connections--
  }
}
