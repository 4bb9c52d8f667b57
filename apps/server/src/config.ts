import path from 'node:path'
import { loadOidcConfig, type OidcConfig, OidcConfigProblem } from './auth/oidc-config'
import {
  CheckpointConfigProblem,
  type CheckpointSettings,
  loadCheckpointSettings,
} from './checkpoints/checkpoint-config'
import { loadReceiptConfig, type ReceiptConfig, ReceiptConfigProblem } from './receipts/receipt-config'
import { loadWebhookConfig, type WebhookConfig, WebhookConfigProblem } from './webhooks/webhook-config'

/** The demo secret: accepted only outside production (DESIGN.md §10). */
export const DEMO_JWT_SECRET = 'consent-sync-demo-secret-do-not-use-in-production'

export interface Config {
  port: number
  host: string
  production: boolean
  /** Seed demo accounts and customers at start. */
  demo: boolean
  /** `sqlite` (embedded, one instance) or `postgres` (shared by several instances). */
  store: 'sqlite' | 'postgres'
  databasePath: string
  /** PostgreSQL connection string, for `store: 'postgres'`. */
  databaseUrl: string
  /** PostgreSQL schema holding the tables. */
  databaseSchema: string
  /** Milliseconds to get a PostgreSQL connection before the call fails (at start: exit 1). */
  databaseConnectTimeoutMs: number
  /** Milliseconds one PostgreSQL statement may take, or go unanswered, before it fails (a write: close 1011). */
  databaseStatementTimeoutMs: number
  /** Redis for fan-out between instances; absent: one instance, or instances that only poll. */
  redisUrl: string | undefined
  /** Redis channel shared by the instances of one deployment. */
  redisChannel: string
  /** Milliseconds between checks of loaded documents for updates other instances stored (postgres). */
  catchUpIntervalMs: number
  /** Milliseconds between sweeps for expired and voided consents (`SWEEP_INTERVAL_SECONDS`); 0: none. */
  sweepIntervalMs: number
  /**
   * Analytics groups smaller than this many customers are shown without their number
   * (`ANALYTICS_MIN_GROUP`, k-anonymity): a count of 1 to k − 1 would single someone out.
   */
  analyticsMinGroup: number
  /** SQLite `synchronous` pragma: FULL fsyncs every commit; NORMAL survives a process crash but not power loss. */
  sqliteSynchronous: 'FULL' | 'NORMAL'
  /**
   * Where SQLite commits run: `adaptive` (default: small appends on the event loop while the
   * writer thread is idle, the rest in the thread), `thread`, or `inline` on the event loop.
   */
  sqliteWriter: 'adaptive' | 'thread' | 'inline'
  jwtSecret: string
  /** Lifetime of issued tokens, in seconds. */
  tokenTtlSeconds: number
  /** Tokens of the operator's identity provider (`OIDC_*`); absent: only the server's own tokens. */
  oidc: OidcConfig | undefined
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  limits: {
    /** Bytes of one WebSocket message (close 4413). */
    maxMessageBytes: number
    /** Encoded bytes a document may reach; further growth is rejected. */
    maxDocumentBytes: number
    /** Messages one connection may send per second, bursting to twice that (close 4529). */
    messagesPerSecond: number
    /** Messages one user may send per second across all their connections. */
    userMessagesPerSecond: number
    /** Open sync connections per user. */
    maxConnectionsPerUser: number
    /** Bytes queued for one connection that it has not read; past it the connection is closed (4508). */
    maxUnsentBytes: number
    /** Login attempts per minute for one username from one address (429 past it). */
    loginAttemptsPerMinute: number
  }
  /** Updates in a document's log after which it is folded into a snapshot. */
  snapshotEvery: number
  /** Milliseconds a document nobody has open stays in memory. */
  idleUnloadMs: number
  /** Directory of built web pages served at /customer/, /csr/, /demo/ (absent pages are skipped). */
  webRoot: string
  /**
   * Browser origins (`https://host[:port]`) allowed to open the sync endpoint besides the server's
   * own; `'*'`: any. Requests without an Origin header (non-browser clients) are always allowed.
   */
  allowedOrigins: readonly string[] | '*'
  /** Bearer token that `GET /metrics` requires; absent: /metrics is open. */
  metricsToken: string | undefined
  /** Webhook delivery (`WEBHOOK_*`, README "Webhooks"). */
  webhooks: WebhookConfig
  /** Consent receipts: signing keys and the controller they name (`RECEIPT_*`, README "Consent receipts"). */
  receipts: ReceiptConfig
  /** Signed checkpoints of the audit chains (`CHECKPOINT_*`, docs/checkpoints.md). */
  checkpoints: CheckpointSettings
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`)
    this.name = 'ConfigError'
  }
}

type Env = Record<string, string | undefined>

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`)
  }
  return n
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (!values.includes(raw as T))
    throw new ConfigError(name, `must be one of ${values.join(', ')}, got "${raw}"`)
  return raw as T
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (['1', 'true', 'yes'].includes(raw)) return true
  if (['0', 'false', 'no'].includes(raw)) return false
  throw new ConfigError(name, `must be true or false, got "${raw}"`)
}

function schema(env: Env): string {
  const value = env.DATABASE_SCHEMA || 'public'
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value)) {
    throw new ConfigError('DATABASE_SCHEMA', `must be lowercase letters, digits and _, got "${value}"`)
  }
  return value
}

/** `ALLOWED_ORIGINS`: comma-separated origins, or `*`; each written as a browser sends it. */
function allowedOrigins(env: Env): readonly string[] | '*' {
  const entries = (env.ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '')
  if (entries.includes('*')) {
    if (entries.length > 1) throw new ConfigError('ALLOWED_ORIGINS', 'is either * alone or a list of origins')
    return '*'
  }
  return entries.map((entry) => {
    let url: URL | undefined
    try {
      url = new URL(entry)
    } catch {}
    // An origin is scheme, host and port only: a path or a trailing slash would never match.
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== entry.toLowerCase()) {
      throw new ConfigError(
        'ALLOWED_ORIGINS',
        `"${entry}" is not an origin such as https://consent.example.com or http://localhost:5173`,
      )
    }
    return url.origin
  })
}

/** `METRICS_TOKEN`: long enough not to be guessed, and sendable in an Authorization header. */
function metricsToken(env: Env): string | undefined {
  const token = env.METRICS_TOKEN
  if (token === undefined || token === '') return undefined
  if (token.length < 16 || !/^[\x21-\x7e]+$/.test(token)) {
    throw new ConfigError('METRICS_TOKEN', 'must be at least 16 printable characters without spaces')
  }
  return token
}

function oidc(env: Env, production: boolean): OidcConfig | undefined {
  try {
    return loadOidcConfig(env, production)
  } catch (err) {
    if (err instanceof OidcConfigProblem) throw new ConfigError(err.variable, err.message)
    throw err
  }
}

function webhooks(env: Env, production: boolean, jwtSecret: string): WebhookConfig {
  try {
    return loadWebhookConfig(env, production, jwtSecret)
  } catch (err) {
    if (err instanceof WebhookConfigProblem) throw new ConfigError(err.variable, err.message)
    throw err
  }
}

function checkpoints(env: Env): CheckpointSettings {
  try {
    return loadCheckpointSettings(env)
  } catch (err) {
    if (err instanceof CheckpointConfigProblem) throw new ConfigError(err.variable, err.message)
    throw err
  }
}

function receipts(env: Env): ReceiptConfig {
  try {
    return loadReceiptConfig(env)
  } catch (err) {
    if (err instanceof ReceiptConfigProblem) throw new ConfigError(err.variable, err.message)
    throw err
  }
}

/** Reads and validates the whole configuration once, at start (README: Configuration). */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const production = env.NODE_ENV === 'production'
  const demo = bool(env, 'DEMO', !production)
  const jwtSecret = env.JWT_SECRET || (production ? '' : DEMO_JWT_SECRET)
  if (production) {
    if (!jwtSecret) throw new ConfigError('JWT_SECRET', 'is required in production (at least 32 characters)')
    if (jwtSecret === DEMO_JWT_SECRET)
      throw new ConfigError('JWT_SECRET', 'is the demo secret; production refuses it')
    if (demo) throw new ConfigError('DEMO', 'demo accounts are refused in production; unset DEMO')
  }
  if (jwtSecret.length < 32) throw new ConfigError('JWT_SECRET', 'must be at least 32 characters')
  const store = oneOf(env, 'STORE', ['sqlite', 'postgres'] as const, 'sqlite')
  const databaseUrl = env.DATABASE_URL ?? ''
  if (store === 'postgres' && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'STORE=postgres needs a postgres:// connection string')
  }
  if (env.REDIS_URL && !/^rediss?:\/\//.test(env.REDIS_URL)) {
    throw new ConfigError('REDIS_URL', `must be a redis:// URL, got "${env.REDIS_URL}"`)
  }
  return {
    port: int(env, 'PORT', 3001, 0, 65535),
    host: env.HOST || '127.0.0.1',
    production,
    demo,
    store,
    databasePath: path.resolve(cwd, env.DATABASE_PATH || 'data/consent-sync.db'),
    databaseUrl,
    databaseSchema: schema(env),
    databaseConnectTimeoutMs: int(env, 'DATABASE_CONNECT_TIMEOUT_MS', 5000, 100, 600_000),
    databaseStatementTimeoutMs: int(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 15_000, 100, 3_600_000),
    redisUrl: env.REDIS_URL || undefined,
    redisChannel: env.REDIS_CHANNEL || 'consent-sync:fanout',
    catchUpIntervalMs: int(env, 'CATCH_UP_INTERVAL_MS', 2000, 0, 3_600_000),
    sweepIntervalMs: int(env, 'SWEEP_INTERVAL_SECONDS', 60, 0, 86_400) * 1000,
    analyticsMinGroup: int(env, 'ANALYTICS_MIN_GROUP', 5, 1, 1_000_000),
    sqliteSynchronous: oneOf(env, 'SQLITE_SYNCHRONOUS', ['FULL', 'NORMAL'] as const, 'FULL'),
    sqliteWriter: oneOf(env, 'SQLITE_WRITER', ['adaptive', 'thread', 'inline'] as const, 'adaptive'),
    jwtSecret,
    tokenTtlSeconds: int(env, 'TOKEN_TTL_SECONDS', 3600, 10, 7 * 24 * 3600),
    oidc: oidc(env, production),
    logLevel: oneOf(
      env,
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      'info',
    ),
    limits: {
      maxMessageBytes: int(env, 'MAX_MESSAGE_BYTES', 256 * 1024, 1024, 64 * 1024 * 1024),
      maxDocumentBytes: int(env, 'MAX_DOCUMENT_BYTES', 1024 * 1024, 1024, 256 * 1024 * 1024),
      messagesPerSecond: int(env, 'RATE_MESSAGES_PER_SECOND', 50, 1, 100_000),
      userMessagesPerSecond: int(env, 'RATE_USER_MESSAGES_PER_SECOND', 200, 1, 1_000_000),
      maxConnectionsPerUser: int(env, 'MAX_CONNECTIONS_PER_USER', 20, 1, 100_000),
      maxUnsentBytes: int(env, 'MAX_UNSENT_BYTES', 4 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
      loginAttemptsPerMinute: int(env, 'LOGIN_ATTEMPTS_PER_MINUTE', 30, 1, 100_000),
    },
    snapshotEvery: int(env, 'SNAPSHOT_EVERY', 200, 2, 1_000_000),
    idleUnloadMs: int(env, 'IDLE_UNLOAD_MS', 60_000, 0, 24 * 3600 * 1000),
    // apps/server/src → the repository root, where apps/*/dist are built.
    webRoot: path.resolve(cwd, env.WEB_ROOT || path.join(import.meta.dirname, '../../..')),
    allowedOrigins: allowedOrigins(env),
    metricsToken: metricsToken(env),
    webhooks: webhooks(env, production, jwtSecret),
    receipts: receipts(env),
    checkpoints: checkpoints(env),
  }
}
