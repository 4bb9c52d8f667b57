import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { UserRole } from '@consent-sync/consent-core'
import { createServer } from '../app'
import { signToken } from '../auth/tokens'
import { type Config, loadConfig } from '../config'
import { DEMO_PASSWORD } from '../demo/seed'
import { createSqliteStore } from '../store/sqlite'
import type { Store } from '../store/store'
import type { FanOut } from '../sync/fanout'

export interface TestUser {
  id: string
  role: UserRole
  name: string
  customerId?: string
}

export const CUSTOMER_1: TestUser = {
  id: 'C-0001',
  role: 'customer',
  name: 'Customer One',
  customerId: 'C-0001',
}
export const CUSTOMER_2: TestUser = {
  id: 'C-0002',
  role: 'customer',
  name: 'Customer Two',
  customerId: 'C-0002',
}
export const CSR_1: TestUser = { id: 'csr1', role: 'csr', name: 'Agent One' }
export const CSR_2: TestUser = { id: 'csr2', role: 'csr', name: 'Agent Two' }
export const ADMIN: TestUser = { id: 'admin1', role: 'admin', name: 'Admin' }

/** Whom a token is signed for: any role; the name defaults to "<role> <id>". */
export type TokenUser = Omit<TestUser, 'name'> & { name?: string }

export interface TestServerOptions {
  env?: Record<string, string>
  /** Wraps the store the server uses (e.g. to inject failures). */
  wrapStore?: (store: Store) => Store
  dir?: string
  /** Listen on this port (a restart on the same address); default ephemeral. */
  port?: number
  /** Fan-out to other instances instead of the one the env names. */
  fanout?: FanOut
  /** Pino options (e.g. a `stream` to capture log lines); silent by default. */
  logger?: object
  /** The server's clock, for consent expiry (default Date.now). */
  now?: () => number
}

/** A token for a demo account, through the real login route of the server at `httpUrl`. */
export async function loginAt(httpUrl: string, username: string): Promise<string> {
  const res = await fetch(`${httpUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  })
  if (res.status !== 200) throw new Error(`login of ${username} answered ${res.status}: ${await res.text()}`)
  return ((await res.json()) as { token: string }).token
}

/**
 * A real server (real rooms, real HTTP routes) on an ephemeral loopback port with a real SQLite
 * file in a temp dir, demo data seeded; HTTP helpers for its API.
 */
export async function startTestServer(options: TestServerOptions = {}) {
  const dir = options.dir ?? (await mkdtemp(path.join(tmpdir(), 'consent-sync-test-')))
  const config: Config = loadConfig({
    DATABASE_PATH: path.join(dir, 'test.db'),
    LOG_LEVEL: 'silent',
    IDLE_UNLOAD_MS: '60000',
    // Expiry sweeps only where a test asks for them.
    SWEEP_INTERVAL_SECONDS: '0',
    ...options.env,
  })
  const store = options.wrapStore
    ? options.wrapStore(createSqliteStore({ path: config.databasePath }))
    : undefined
  const { app, ctx, compileSchemas } = await createServer(config, {
    logger: options.logger ?? false,
    ...(store ? { store } : {}),
    ...(options.fanout ? { fanout: options.fanout } : {}),
    ...(options.now ? { now: options.now } : {}),
  })
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' })
  const sockets = new Set<Socket>()
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  const port = (app.server.address() as AddressInfo).port
  const httpUrl = `http://127.0.0.1:${port}`
  const url = (pathAndQuery: string) => `${httpUrl}${pathAndQuery}`
  const headers = (token?: string): Record<string, string> =>
    token ? { authorization: `Bearer ${token}` } : {}
  return {
    app,
    ctx,
    compileSchemas,
    config,
    dir,
    port,
    httpUrl,
    syncUrl: `ws://127.0.0.1:${port}/sync`,
    url,
    /** A token signed directly (any role, any lifetime; negative: already expired). */
    token: (user: TokenUser, ttlSeconds = 3600) =>
      signToken(app, { name: `${user.role} ${user.id}`, ...user }, ttlSeconds).token,
    /** A token for a demo account, through the real login route. */
    login: (username: string) => loginAt(httpUrl, username),
    get: (pathAndQuery: string, token?: string) => fetch(url(pathAndQuery), { headers: headers(token) }),
    post: (pathAndQuery: string, body: unknown, token?: string) =>
      fetch(url(pathAndQuery), {
        method: 'POST',
        headers: { ...headers(token), 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    /** Closes the server; keeps the directory when `keepDir`. */
    async cleanup(keepDir = false) {
      // fetch (undici) may hold a spare connection that never sent a request; Node's server.close()
      // does not count it as idle and would wait for undici's 4 s keep-alive timer.
      for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy()
      await app.close()
      if (!keepDir && !options.dir) await rm(dir, { recursive: true, force: true })
    },
  }
}

export type TestServer = Awaited<ReturnType<typeof startTestServer>>
