import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { UserRole } from '@consent-sync/consent-core'
import { createServer } from '../app'
import { signToken } from '../auth/tokens'
import { type Config, loadConfig } from '../config'
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
}

/** A real server on an ephemeral loopback port with a real SQLite file in a temp dir, demo data seeded. */
export async function startTestServer(options: TestServerOptions = {}) {
  const dir = options.dir ?? (await mkdtemp(path.join(tmpdir(), 'consent-sync-test-')))
  const config: Config = loadConfig({
    DATABASE_PATH: path.join(dir, 'test.db'),
    LOG_LEVEL: 'silent',
    IDLE_UNLOAD_MS: '60000',
    ...options.env,
  })
  const store = options.wrapStore
    ? options.wrapStore(createSqliteStore({ path: config.databasePath }))
    : undefined
  const { app, ctx } = await createServer(config, {
    logger: options.logger ?? false,
    ...(store ? { store } : {}),
    ...(options.fanout ? { fanout: options.fanout } : {}),
  })
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' })
  const port = (app.server.address() as AddressInfo).port
  return {
    app,
    ctx,
    config,
    dir,
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    syncUrl: `ws://127.0.0.1:${port}/sync`,
    token: (user: TestUser, ttlSeconds = 3600) => signToken(app, user, ttlSeconds).token,
    /** Closes the server; keeps the directory when `keepDir`. */
    async cleanup(keepDir = false) {
      await app.close()
      if (!keepDir && !options.dir) await rm(dir, { recursive: true, force: true })
    },
  }
}

export type TestServer = Awaited<ReturnType<typeof startTestServer>>
