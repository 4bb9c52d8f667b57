import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  ACCOUNT_ROLES,
  type AccountDeps,
  type AccountOutcome,
  createAccount,
  listAccounts,
  type NewAccount,
  resetPassword,
  setAccountDisabled,
} from '../accounts/users'
import { bearerSecurity, requireRole } from '../auth/guards'
import { problemResponses, sendProblem } from './errors'
import { objectOf } from './json-schema'

const accountSchema = {
  type: 'object',
  required: ['username', 'id', 'role', 'name', 'disabled'],
  properties: {
    username: { type: 'string' },
    id: { type: 'string' },
    role: { type: 'string', enum: [...ACCOUNT_ROLES] },
    name: { type: 'string' },
    customerId: { type: 'string' },
    disabled: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const

const accountReply = objectOf({ account: accountSchema })
const usernameParams = objectOf({ username: { type: 'string', minLength: 1, maxLength: 100 } })
const passwordProperty = { type: 'string', minLength: 1, maxLength: 200 } as const

function answer(reply: FastifyReply, outcome: AccountOutcome, status = 200) {
  if (outcome.ok) return reply.code(status).send({ account: outcome.account })
  const { status: code, message, field } = outcome.problem
  return sendProblem(reply, code, message, field)
}

const actorOf = (request: FastifyRequest) => ({ id: request.user.sub, role: request.user.role })

/**
 * Built-in accounts (DESIGN.md §12): created, listed, disabled, enabled and given a new password by
 * admins; every change is an entry of the admin audit log, naming who did it to which account.
 */
export function registerAdminUserRoutes(app: FastifyInstance, deps: AccountDeps): void {
  const admin = requireRole(app, ['admin'])

  app.get(
    '/api/admin/users',
    {
      schema: {
        tags: ['admin'],
        summary: 'Every built-in account, by username (never a password)',
        security: bearerSecurity,
        response: {
          200: objectOf({ users: { type: 'array', items: accountSchema } }),
          ...problemResponses(401, 403),
        },
      },
      preHandler: admin,
    },
    async () => ({ users: await listAccounts(deps) }),
  )

  app.post<{ Body: NewAccount }>(
    '/api/admin/users',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create an account: customer (username = customer id), csr, admin, auditor or service',
        description:
          'The password: at least 12 characters, at most 72 bytes, not a common one, not containing the username.',
        security: bearerSecurity,
        body: {
          type: 'object',
          required: ['username', 'role', 'name', 'password'],
          additionalProperties: false,
          properties: {
            username: { type: 'string', minLength: 1, maxLength: 100 },
            role: { type: 'string', enum: [...ACCOUNT_ROLES] },
            name: { type: 'string', minLength: 1, maxLength: 200 },
            customerId: { type: 'string', minLength: 1, maxLength: 64 },
            password: passwordProperty,
          },
        },
        response: { 201: accountReply, ...problemResponses(400, 401, 403, 409) },
      },
      preHandler: admin,
    },
    async (request, reply) => answer(reply, await createAccount(deps, request.body, actorOf(request)), 201),
  )

  const toggle = (disabled: boolean) =>
    app.post<{ Params: { username: string } }>(
      `/api/admin/users/:username/${disabled ? 'disable' : 'enable'}`,
      {
        schema: {
          tags: ['admin'],
          summary: disabled
            ? 'Disable an account: it can no longer sign in, its tokens are refused, its connections close (4401)'
            : 'Enable a disabled account again',
          security: bearerSecurity,
          params: usernameParams,
          response: { 200: accountReply, ...problemResponses(400, 401, 403, 404, 409) },
        },
        preHandler: admin,
      },
      async (request, reply) =>
        answer(reply, await setAccountDisabled(deps, request.params.username, disabled, actorOf(request))),
    )
  toggle(true)
  toggle(false)

  app.post<{ Params: { username: string }; Body: { password: string } }>(
    '/api/admin/users/:username/password',
    {
      schema: {
        tags: ['admin'],
        summary: "Set an account's password (the password rules of account creation apply)",
        security: bearerSecurity,
        params: usernameParams,
        body: {
          type: 'object',
          required: ['password'],
          additionalProperties: false,
          properties: { password: passwordProperty },
        },
        response: { 200: accountReply, ...problemResponses(400, 401, 403, 404) },
      },
      preHandler: admin,
    },
    async (request, reply) =>
      answer(
        reply,
        await resetPassword(deps, request.params.username, request.body.password, actorOf(request)),
      ),
  )
}
