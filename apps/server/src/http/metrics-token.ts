import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import { sendProblem } from './errors'

/** SHA-256 first: `timingSafeEqual` needs equal lengths, and the length must not leak either. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

/**
 * A preHandler that admits only `Authorization: Bearer <token>` (`METRICS_TOKEN`), compared in
 * constant time; anything else is a 401 problem. Metrics name loaded documents and close reasons:
 * not for everyone who can reach the port.
 */
export function requireMetricsToken(token: string): preHandlerAsyncHookHandler {
  const expected = digest(token)
  return async function metricsGuard(request: FastifyRequest, reply: FastifyReply) {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')
    if (match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected)) return
    reply.header('www-authenticate', 'Bearer realm="metrics"')
    return sendProblem(
      reply,
      401,
      match ? 'the metrics token is not valid' : 'a bearer token (METRICS_TOKEN) is required',
    )
  }
}
