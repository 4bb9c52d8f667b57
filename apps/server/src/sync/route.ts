import type {} from '@fastify/swagger'
import type {} from '@fastify/websocket'
import type { FastifyInstance } from 'fastify'
import type { WebSocket } from 'ws'
import { verifyToken } from '../auth/tokens'
import type { Config } from '../config'
import type { Metrics } from '../metrics/metrics'
import type { Directory } from '../store/directory'
import { Admissions } from './admission'
import type { RoomRegistry } from './room-registry'
import { Session } from './session'

/** What the sync endpoint is built with (app.ts). */
export interface SyncDeps {
  rooms: RoomRegistry
  store: Pick<Directory, 'getCustomer'>
  config: Config
  metrics: Metrics
}

/**
 * The y-websocket endpoint `GET /sync/:customerId?token=<JWT>[&ack=0]` (DESIGN.md §5, §6.1): one
 * Session per socket, admitted by the instance's Admissions (which keep the per-user limits).
 */
export function registerSync(app: FastifyInstance, { rooms, store, config, metrics }: SyncDeps): void {
  const admissions = new Admissions({
    verifyToken: (token) => verifyToken(app, token),
    config,
    directory: store,
    accepting: () => rooms.accepting,
  })
  const deps = { admissions, rooms, config, metrics, verifyToken: (token: string) => verifyToken(app, token) }
  app.get<{ Params: { customerId: string }; Querystring: Record<string, string | undefined> }>(
    '/sync/:customerId',
    { websocket: true, schema: { hide: true } },
    (socket: WebSocket, req) => {
      const { customerId } = req.params
      const { token, ack } = req.query
      const { origin, host } = req.headers
      Session.open(socket, { customerId, token, ack, origin, host }, req.log, deps)
    },
  )
}
