import type { UserRole } from '@consent-sync/consent-core'
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import { sendProblem } from '../http/errors'
import { type TokenFailure, tokenOf, verifyToken } from './tokens'

const FAILURE_MESSAGE: Readonly<Record<TokenFailure, string>> = {
  missing: 'a bearer token is required',
  invalid: 'the token is invalid',
  expired: 'the token has expired',
}

export interface GuardOptions {
  /** Also accept `?token=` (EventSource cannot set headers). */
  allowQueryToken?: boolean
}

/**
 * A preHandler that admits a request with a valid token of one of `roles` (401 without a
 * valid token, 403 for another role). The verified claims are on `request.user`.
 */
export function requireRole(
  app: FastifyInstance,
  roles: readonly UserRole[],
  options: GuardOptions = {},
): preHandlerAsyncHookHandler {
  return async function guard(request: FastifyRequest, reply: FastifyReply) {
    const verdict = verifyToken(
      app,
      tokenOf(request.headers, request.query, options.allowQueryToken === true),
    )
    if (!verdict.ok) {
      reply.header('www-authenticate', 'Bearer')
      return sendProblem(reply, 401, FAILURE_MESSAGE[verdict.reason])
    }
    if (!roles.includes(verdict.claims.role)) {
      return sendProblem(reply, 403, `the ${verdict.claims.role} role may not use this route`)
    }
    request.user = verdict.claims
  }
}

/** Every role: any valid token. */
export const ANY_ROLE: readonly UserRole[] = ['customer', 'csr', 'admin', 'service']

/** OpenAPI security requirement of a guarded route. */
export const bearerSecurity = [{ bearer: [] }]
