import type { UserRole } from '@consent-sync/consent-core'
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import { sendProblem } from '../http/errors'
import { type TokenFailure, tokenOf, verifyToken } from './tokens'
import type { VerifyToken } from './verifier'

declare module 'fastify' {
  interface FastifyInstance {
    /** Every kind of token the server accepts (auth/verifier.ts), decorated by app.ts. */
    verifyAnyToken?: VerifyToken
  }
}

const FAILURE_MESSAGE: Readonly<Record<TokenFailure, string>> = {
  missing: 'a bearer token is required',
  invalid: 'the token is invalid',
  expired: 'the token has expired',
  disabled: 'the account is disabled',
  unavailable: "the identity provider's keys could not be fetched; try again shortly",
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
    const token = tokenOf(request.headers, request.query, options.allowQueryToken === true)
    const verdict = app.verifyAnyToken ? await app.verifyAnyToken(token) : verifyToken(app, token)
    if (!verdict.ok) {
      if (verdict.reason === 'unavailable') {
        reply.header('retry-after', '5')
        return sendProblem(reply, 503, FAILURE_MESSAGE.unavailable)
      }
      reply.header('www-authenticate', 'Bearer')
      const detail = verdict.detail && verdict.reason === 'invalid' ? `: ${verdict.detail}` : ''
      return sendProblem(reply, 401, `${FAILURE_MESSAGE[verdict.reason]}${detail}`)
    }
    if (!roles.includes(verdict.claims.role)) {
      return sendProblem(reply, 403, `the ${verdict.claims.role} role may not use this route`)
    }
    request.user = verdict.claims
  }
}

/** Every role: any valid token. */
export const ANY_ROLE: readonly UserRole[] = ['customer', 'csr', 'admin', 'auditor', 'service']

/** OpenAPI security requirement of a guarded route. */
export const bearerSecurity = [{ bearer: [] }]
