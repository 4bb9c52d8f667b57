import type { FastifyInstance } from 'fastify'
import type { Config } from '../config'
import { problemResponses, sendProblem } from '../http/errors'
import type { Directory, UserRecord } from '../store/directory'
import { ANY_ROLE, bearerSecurity, requireRole } from './guards'
import { burnPasswordCheck, verifyPassword } from './passwords'
import { signToken, tokenOf } from './tokens'

const userSchema = {
  type: 'object',
  required: ['id', 'role', 'name'],
  properties: {
    id: { type: 'string' },
    role: { type: 'string', enum: ['customer', 'csr', 'admin', 'auditor', 'service'] },
    name: { type: 'string' },
    customerId: { type: 'string' },
  },
} as const

const sessionSchema = {
  type: 'object',
  required: ['token', 'expiresAt', 'user'],
  properties: {
    token: { type: 'string' },
    expiresAt: { type: 'string', format: 'date-time' },
    user: userSchema,
  },
} as const

interface LoginBody {
  username: string
  password: string
}

/** What sign-in uses: the accounts, the token lifetime and the login rate. */
export interface AuthDeps {
  store: Pick<Directory, 'findUser'>
  config: Pick<Config, 'tokenTtlSeconds' | 'limits' | 'demo' | 'oidc'>
}

function session(app: FastifyInstance, ctx: AuthDeps, user: UserRecord) {
  const { token, expiresAt } = signToken(app, user, ctx.config.tokenTtlSeconds)
  const publicUser: { id: string; role: string; name: string; customerId?: string } = {
    id: user.id,
    role: user.role,
    name: user.name,
  }
  if (user.customerId !== undefined) publicUser.customerId = user.customerId
  return { token, expiresAt, user: publicUser }
}

/** `POST /api/auth/login` and `POST /api/auth/refresh` (DESIGN.md §5b). */
export function registerAuthRoutes(app: FastifyInstance, ctx: AuthDeps): void {
  app.post<{ Body: LoginBody }>(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Exchange a username and password for a token',
        body: {
          type: 'object',
          required: ['username', 'password'],
          additionalProperties: false,
          properties: {
            username: { type: 'string', minLength: 1, maxLength: 100 },
            password: { type: 'string', minLength: 1, maxLength: 200 },
          },
        },
        response: { 200: sessionSchema, ...problemResponses(400, 401, 429) },
      },
      config: {
        rateLimit: {
          max: ctx.config.limits.loginAttemptsPerMinute,
          timeWindow: '1 minute',
          // After the body is parsed, so guesses are counted per username and address.
          hook: 'preHandler',
          keyGenerator: (request) =>
            `${request.ip}|${String((request.body as { username?: unknown } | undefined)?.username ?? '')}`,
        },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body
      const user = await ctx.store.findUser(username)
      // Unknown users cost a password check too, so timing does not tell which usernames exist.
      const ok = user ? await verifyPassword(password, user.passwordHash) : await burnPasswordCheck(password)
      if (!user || !ok) {
        request.log.info({ username }, 'login refused')
        return sendProblem(reply, 401, 'unknown username or wrong password')
      }
      if (user.disabled) {
        request.log.info({ username }, 'login refused: account disabled')
        return sendProblem(reply, 401, 'the account is disabled; ask an administrator')
      }
      return session(app, ctx, user)
    },
  )

  app.post(
    '/api/auth/refresh',
    {
      schema: {
        tags: ['auth'],
        summary: 'A fresh token for the holder of a valid one',
        security: bearerSecurity,
        response: { 200: sessionSchema, ...problemResponses(401) },
      },
      preHandler: requireRole(app, ANY_ROLE),
    },
    async (request, reply) => {
      if (request.user.iss !== undefined) {
        return sendProblem(reply, 401, 'a token of the identity provider is renewed by the identity provider')
      }
      // Read the account again: a removed account gets no new token, a renamed one its new name.
      const user = await ctx.store.findUser(request.user.sub)
      if (!user || user.id !== request.user.sub || user.disabled)
        return sendProblem(reply, 401, 'the account no longer exists or is disabled')
      return session(app, ctx, user)
    },
  )

  app.get(
    '/api/auth/methods',
    {
      schema: {
        tags: ['auth'],
        summary: 'How to sign in here: built-in accounts, the demo accounts, the identity provider',
        response: {
          200: {
            type: 'object',
            required: ['password', 'demo', 'provider'],
            properties: {
              password: { type: 'boolean' },
              demo: { type: 'boolean' },
              provider: {
                type: ['object', 'null'],
                required: ['issuer'],
                properties: { issuer: { type: 'string' }, loginUrl: { type: 'string' } },
              },
            },
          },
        },
      },
    },
    async () => {
      const { oidc, demo } = ctx.config
      const provider = oidc
        ? { issuer: oidc.issuer, ...(oidc.loginUrl !== undefined ? { loginUrl: oidc.loginUrl } : {}) }
        : null
      return { password: true, demo, provider }
    },
  )

  app.get(
    '/api/auth/session',
    {
      schema: {
        tags: ['auth'],
        summary: "The session of the request's token: who it stands for, and until when",
        description:
          "For a page handed a token by the identity provider (or the operator's app): the same shape as login answers, with the same token.",
        security: bearerSecurity,
        response: { 200: sessionSchema, ...problemResponses(401, 503) },
      },
      preHandler: requireRole(app, ANY_ROLE),
    },
    async (request) => {
      const { sub, role, name, customerId, exp } = request.user
      const token = tokenOf(request.headers, request.query, false) ?? ''
      return {
        token,
        expiresAt: new Date(exp * 1000).toISOString(),
        user: { id: sub, role, name, ...(customerId !== undefined ? { customerId } : {}) },
      }
    },
  )
}
