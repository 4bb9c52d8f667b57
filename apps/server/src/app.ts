import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { DEFAULT_CATALOG, DEFAULT_CATALOG_PUBLISHED_AT } from '@consent-sync/consent-core'
import fastifyJwt from '@fastify/jwt'
import fastifyRateLimit from '@fastify/rate-limit'
import fastifySwagger from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify'
import { followAccountChanges } from './accounts/account-changes'
import { registerAnalyticsGauges } from './analytics/metrics'
import { ANSWER_WAIT_MS, createRollUpRunner } from './analytics/roll-up-runner'
import { AccountGate } from './auth/account-gate'
import { createProviderVerifier } from './auth/oidc'
import { registerAuthRoutes } from './auth/routes'
import { verifyToken } from './auth/tokens'
import { createVerifier } from './auth/verifier'
import { followCatalog, type LiveCatalog, openLiveCatalog, seedCatalog } from './catalog/live-catalog'
import { checkpointLocator } from './checkpoints/locate'
import { registerCheckpoints } from './checkpoints/register'
import type { Config } from './config'
import { createAcceptedEvents, type ServerContext } from './context'
import { seedDemo } from './demo/seed'
import { startSweeper } from './downstream/sweeper'
import { registerAdminCatalogRoutes } from './http/admin-catalog'
import { registerAdminCustomerRoutes } from './http/admin-customers'
import { registerAdminUserRoutes } from './http/admin-users'
import { registerAdminWebhookRoutes } from './http/admin-webhooks'
import { registerAnalyticsRoutes } from './http/analytics'
import { registerAuditRoutes } from './http/audit'
import { registerConsentCheckRoutes } from './http/consent-check'
import { registerCustomerRoutes } from './http/customers'
import { registerErrorHandlers } from './http/errors'
import { registerExportRoutes } from './http/export'
import { registerFeedRoutes } from './http/feed'
import { registerHealthRoutes } from './http/health'
import { lazySchemaCompilers } from './http/lazy-schemas'
import { registerPages } from './http/pages'
import { registerPurposeRoutes } from './http/purposes'
import { registerReceiptRoutes } from './http/receipts'
import { DOCS_CSP, registerSecurityHeaders } from './http/security-headers'
import { redactingStream, redactUrl } from './log/redact'
import { createMetrics } from './metrics/metrics'
import { openReceiptIssuer, type ReceiptIssuer } from './receipts/issuer'
import { createKeyRegistry } from './receipts/signing-keys'
import type { Directory } from './store/directory'
import { createSqliteStore } from './store/sqlite'
import type { Store } from './store/store'
import { type FanOut, localFanOut } from './sync/fanout'
import { createRooms, type RoomRegistry } from './sync/room-registry'
import { registerSync } from './sync/route'

declare module 'fastify' {
  interface FastifyInstance {
    ctx: ServerContext
  }
}

export interface CreateServerOptions {
  /** A store to use instead of opening the SQLite file of `config.databasePath`. The server closes it. */
  store?: Store
  /** `false` for silence; an object of pino options (e.g. a `stream`) merged over the defaults. */
  logger?: boolean | object
  /** Fan-out to use instead of the one `config.redisUrl` names (tests). */
  fanout?: FanOut
  /** The clock consent expiry is judged by (default `Date.now`); tests fix it. */
  now?: () => number
}

function loggerOptions(
  config: Config,
  logger: CreateServerOptions['logger'],
): Exclude<FastifyServerOptions['logger'], undefined> {
  if (logger === false) return false
  const overrides: { stream?: { write(line: string): unknown } } = typeof logger === 'object' ? logger : {}
  return {
    level: config.logLevel,
    ...overrides,
    // Every line, whatever logged it (a plugin's message, an error's stack), is redacted once more.
    stream: redactingStream(overrides.stream ?? process.stdout),
    serializers: {
      ...(overrides as { serializers?: object }).serializers,
      req(req: FastifyRequest) {
        const out: { method: string; url: string; host: string; remoteAddress: string; remotePort?: number } =
          {
            method: req.method,
            url: redactUrl(req.url),
            host: req.hostname,
            remoteAddress: req.ip,
          }
        if (req.socket?.remotePort !== undefined) out.remotePort = req.socket.remotePort
        return out
      },
    },
  }
}

/** The store `config` names: PostgreSQL with `STORE=postgres`, else the SQLite file. */
export async function openStore(config: Config, log?: FastifyBaseLogger): Promise<Store> {
  if (config.store === 'postgres') {
    // Loaded only when asked for: pg and ioredis cost a tenth of a second at every start.
    const { createPostgresStore } = await import('./store/postgres')
    return createPostgresStore({
      connectionString: config.databaseUrl,
      schema: config.databaseSchema,
      connectTimeoutMs: config.databaseConnectTimeoutMs,
      statementTimeoutMs: config.databaseStatementTimeoutMs,
      ...(log ? { log } : {}),
    })
  }
  if (config.databasePath !== ':memory:') mkdirSync(path.dirname(config.databasePath), { recursive: true })
  return createSqliteStore({
    path: config.databasePath,
    synchronous: config.sqliteSynchronous,
    writer: config.sqliteWriter,
  })
}

async function openFanOut(config: Config, log: FastifyBaseLogger): Promise<FanOut> {
  if (!config.redisUrl) return localFanOut()
  const { createRedisFanOut } = await import('./sync/redis-fanout')
  return createRedisFanOut({ url: config.redisUrl, channel: config.redisChannel, log })
}

/** Refuses what production must not run with (DESIGN.md §10); the message says why. */
async function checkProduction(config: Config, store: Directory): Promise<void> {
  if (!config.production) return
  if (config.demo) throw new Error('refusing to start: demo mode is not allowed in production (unset DEMO)')
  if (await store.hasDemoUsers()) {
    throw new Error(
      `refusing to start: the store at ${config.databasePath} holds demo accounts, which production refuses; use a fresh database`,
    )
  }
}

/**
 * Builds the whole server: store, context, plugins, HTTP routes and the sync endpoint.
 * The caller listens; `app.close()` closes sync connections (1012) and then the store.
 */
export async function createServer(
  config: Config,
  opts: CreateServerOptions = {},
): Promise<{
  app: FastifyInstance
  ctx: ServerContext
  /** Compiles the route schemas not yet compiled (they compile on first use); how many there were. */
  compileSchemas: () => number
}> {
  const schemas = lazySchemaCompilers()
  const app = Fastify({
    logger: loggerOptions(config, opts.logger),
    schemaController: { compilersFactory: schemas.compilersFactory },
    // Bodies are small JSON; the sync endpoint has its own limit (maxMessageBytes).
    bodyLimit: 64 * 1024,
  })

  const store = opts.store ?? (await openStore(config, app.log))
  const events = createAcceptedEvents()
  const metrics = createMetrics()
  const fanout = opts.fanout ?? (await openFanOut(config, app.log))
  let rooms: RoomRegistry
  let catalog: LiveCatalog
  let unfollow: () => void
  let issuer: ReceiptIssuer
  const keys = createKeyRegistry()
  try {
    await store.migrate()
    await checkProduction(config, store)
    if (config.demo) {
      await seedDemo(store)
      await seedCatalog(store, DEFAULT_CATALOG, DEFAULT_CATALOG_PUBLISHED_AT)
    }
    catalog = await openLiveCatalog(store)
    issuer = await openReceiptIssuer(config, store, keys)
    // Serve once the other instances can be heard; without Redis, start anyway and catch up later.
    await fanout.ready(3000)
    // With a shared store (PostgreSQL) other instances write the same logs: look at their seqs.
    const catchUpIntervalMs = store.kind === 'postgres' ? config.catchUpIntervalMs : 0
    // Also with SQLite: `consent-sync catalog import` may write while the server runs.
    unfollow = followCatalog(catalog, fanout, config.catchUpIntervalMs, app.log)
    rooms = createRooms({
      documents: store,
      catchUpIntervalMs,
      fanout,
      catalog,
      config,
      events,
      metrics,
      log: app.log,
    })
  } catch (err) {
    await fanout.close()
    await store.close()
    throw err
  }
  const gate = new AccountGate((username) => store.findUser(username))
  const verify = createVerifier({
    builtIn: (token) => verifyToken(app, token),
    provider: config.oidc ? createProviderVerifier(config.oidc) : undefined,
    gate,
  })
  const ctx: ServerContext = {
    config,
    store,
    fanout,
    catalog,
    rooms,
    events,
    metrics,
    verifyToken: verify,
    accounts: followAccountChanges({
      gate,
      rooms,
      fanout,
      adminLog: (afterSeq) => store.adminLog(afterSeq),
      intervalMs: config.catchUpIntervalMs,
      log: app.log,
    }),
    now: opts.now ?? Date.now,
    keys,
  }
  app.decorate('ctx', ctx)
  app.decorate('verifyAnyToken', verify)

  // preClose: sync clients see 1012 "server restarting" (DESIGN.md §5). Fastify goes on to onClose
  // even when a preClose hook fails, so the store is closed either way.
  app.addHook('preClose', async () => {
    await rooms.shutdown(1012, 'server restarting')
  })
  const stopSweeper = startSweeper({ store, catalog, now: ctx.now }, config.sweepIntervalMs, app.log)
  app.addHook('preClose', async () => stopSweeper())
  const analytics = createRollUpRunner(store, app.log)
  // A store that has never been rolled up (an upgrade, an import) starts catching up now, not on
  // the first panel someone opens; panels and scrapes meanwhile answer from what is counted.
  analytics.catchUp().catch((err: Error) => app.log.warn({ err }, 'analytics roll-up failed'))
  app.addHook('preClose', () => analytics.stop())
  registerAnalyticsGauges(metrics.registry, async () => {
    // A scrape has a deadline of its own: during a long catch-up, the figures counted so far.
    await analytics.catchUpWithin(ANSWER_WAIT_MS)
    return { reads: store, catalog: catalog.current(), minGroup: config.analyticsMinGroup }
  })
  app.addHook('onClose', async () => {
    unfollow()
    ctx.accounts.stop()
    await fanout.close()
    await store.close()
  })

  await app.register(fastifyJwt, { secret: config.jwtSecret })
  // Off by default; routes opt in (login: password guessing).
  await app.register(fastifyRateLimit, { global: false })
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'consent-sync',
        version: '0.1.0',
        description:
          'Consent management API. Errors are `{error, message, field?}`. The sync endpoint is `GET /sync/{customerId}?token=` (y-websocket protocol).',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  })
  await registerSecurityHeaders(app)
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    // The validator badge would load an image from another site, which the CSP refuses.
    uiConfig: { validatorUrl: null },
    transformStaticCSP: () => DOCS_CSP,
  })

  registerErrorHandlers(app)
  registerAuthRoutes(app, ctx)
  registerPurposeRoutes(app, ctx)
  registerAdminCatalogRoutes(app, { store, catalog, announce: () => fanout.publishCatalogChanged() })
  registerAdminUserRoutes(app, { store, changed: (username) => ctx.accounts.changed(username) })
  registerAdminCustomerRoutes(app, { store })
  registerAdminWebhookRoutes(app, ctx)
  registerCustomerRoutes(app, ctx)
  registerConsentCheckRoutes(app, ctx)
  registerAnalyticsRoutes(app, {
    store,
    runner: analytics,
    catalog,
    minGroup: config.analyticsMinGroup,
    now: ctx.now,
  })
  registerAuditRoutes(app, ctx)
  const publicUrl = config.receipts.publicUrl
  registerReceiptRoutes(app, { store, issuer, keys, publicUrl })
  registerExportRoutes(app, { store, rooms, issuer, now: ctx.now, publicUrl })
  registerFeedRoutes(app, ctx)
  registerHealthRoutes(app, ctx)
  const checkpoints = await registerCheckpoints(app, config, store)
  // Receipts name the checkpoint that includes them once one is signed.
  issuer.locateCheckpoint = checkpointLocator(checkpoints.log, checkpoints.config.origin, publicUrl ?? '')
  await registerPages(app, ctx)
  registerSync(app, { rooms, store, config, metrics, verifyToken: verify })

  return { app, ctx, compileSchemas: schemas.compileAll }
}
