import type { FastifyInstance } from 'fastify'
import type { VerifyToken } from '../auth/verifier'
import type { Config } from '../config'
import type { Metrics } from '../metrics/metrics'
import type { Directory } from '../store/directory'
import { Admissions } from './admission'
import type { RoomRegistry } from './room-registry'
import { Session } from './session'
import { acceptSyncUpgrades } from './upgrade'

/** What the sync endpoint is built with (app.ts). */
export interface SyncDeps {
  rooms: RoomRegistry
  store: Pick<Directory, 'getCustomer'>
  config: Config
  metrics: Metrics
  /** Every kind of token the server accepts (auth/verifier.ts). */
  verifyToken: VerifyToken
}

/**
 * The y-websocket endpoint `GET /sync/:customerId?token=<JWT>[&ack=0]` (DESIGN.md §5, §6.1): one
 * Session per socket (upgraded in sync/upgrade.ts), admitted by the instance's Admissions (which
 * keep the per-user limits).
 */
export function registerSync(
  app: FastifyInstance,
  { rooms, store, config, metrics, verifyToken }: SyncDeps,
): void {
  const admissions = new Admissions({
    verifyToken,
    config,
    directory: store,
    accepting: () => rooms.accepting,
  })
  const deps = { admissions, rooms, config, metrics, verifyToken }
  // ws itself closes frames over maxPayload with 1009, which stock clients retry forever; its cap
  // sits well above ours so that oversize messages are closed with 4413 (permanent).
  const maxPayload = Math.max(config.limits.maxMessageBytes * 8, 8 * 1024 * 1024)
  const stop = acceptSyncUpgrades(app.server, { maxPayload, log: app.log }, (socket, tcp, request) =>
    Session.open(socket, tcp, request, app.log, deps),
  )
  app.addHook('onClose', async () => stop())
}
