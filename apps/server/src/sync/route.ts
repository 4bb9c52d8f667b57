import type { FastifyInstance } from 'fastify'
import type { ServerContext } from '../context'

/** Registers the y-websocket endpoint `GET /sync/:customerId?token=` (DESIGN.md §5). */
export function registerSync(_app: FastifyInstance, _ctx: ServerContext): void {
  // implemented in the sync pipeline
}
