/** A real server on an ephemeral port with a real SQLite file, for the HTTP tests. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  type AuditEntry,
  auditEntriesFor,
  chainAll,
  DEFAULT_CATALOG,
  type Decision,
  findPurpose,
  sha256Hex,
  type UserRole,
} from '@consent-sync/consent-core'
import type { FastifyInstance } from 'fastify'
import { createServer } from './app'
import { signToken } from './auth/tokens'
import { type Config, loadConfig } from './config'
import type { ServerContext } from './context'
import { DEMO_PASSWORD } from './demo/seed'
import type { AppendResult } from './store/document-log'
import { createSqliteStore } from './store/sqlite'
import type { Store } from './store/store'
import type { Rooms } from './sync/rooms'

export interface TestRooms extends Rooms {
  /** What `readDecisions` answers, by customer. */
  decisions: Map<string, Decision[]>
  shutdowns: { code: number; reason: string }[]
}

export function testRooms(): TestRooms {
  const decisions = new Map<string, Decision[]>()
  const shutdowns: { code: number; reason: string }[] = []
  return {
    decisions,
    shutdowns,
    readDecisions: async (id) => decisions.get(id) ?? [],
    loadedCount: () => decisions.size,
    connectionCount: () => 7,
    shutdown: async (code, reason) => {
      shutdowns.push({ code, reason })
    },
  }
}

export interface SetupOptions {
  env?: Record<string, string>
  /** Pino options (e.g. a `stream` to capture log lines); silent by default. */
  logger?: object
  wrapStore?: (store: Store) => Store
}

export interface TestServer {
  app: FastifyInstance
  ctx: ServerContext
  config: Config
  rooms: TestRooms
  dir: string
  url: (pathAndQuery: string) => string
  /** A token for a demo account, through the real login route. */
  login: (username: string) => Promise<string>
  /** A token signed directly (any role, any ttl). */
  tokenFor: (
    user: { id: string; role: UserRole; name?: string; customerId?: string },
    ttlSeconds?: number,
  ) => string
  get: (pathAndQuery: string, token?: string) => Promise<Response>
  post: (pathAndQuery: string, body: unknown, token?: string) => Promise<Response>
  cleanup: () => Promise<void>
}

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'consent-sync-test-'))
}

export async function setup(opts: SetupOptions = {}): Promise<TestServer> {
  const dir = tempDir()
  const config = loadConfig(
    {
      DATABASE_PATH: path.join(dir, 'db', 'consent.db'),
      WEB_ROOT: path.join(dir, 'web'),
      LOG_LEVEL: 'silent',
      ...opts.env,
    },
    dir,
  )
  const rooms = testRooms()
  let store: Store | undefined
  if (opts.wrapStore) {
    mkdirSync(path.dirname(config.databasePath), { recursive: true })
    store = opts.wrapStore(createSqliteStore({ path: config.databasePath }))
  }
  const { app, ctx } = await createServer(config, {
    logger: opts.logger ?? false,
    rooms: () => rooms,
    ...(store ? { store } : {}),
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const sockets = new Set<Socket>()
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  const address = app.server.address()
  if (typeof address !== 'object' || !address) throw new Error('no address')
  const base = `http://127.0.0.1:${address.port}`
  const url = (p: string) => `${base}${p}`
  const headers = (token?: string): Record<string, string> =>
    token ? { authorization: `Bearer ${token}` } : {}
  const get = (p: string, token?: string) => fetch(url(p), { headers: headers(token) })
  const post = (p: string, body: unknown, token?: string) =>
    fetch(url(p), {
      method: 'POST',
      headers: { ...headers(token), 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  return {
    app,
    ctx,
    config,
    rooms,
    dir,
    url,
    get,
    post,
    login: async (username) => {
      const res = await post('/api/auth/login', { username, password: DEMO_PASSWORD })
      if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`)
      return ((await res.json()) as { token: string }).token
    },
    tokenFor: (user, ttlSeconds = 600) =>
      signToken(app, { name: `${user.role} ${user.id}`, ...user }, ttlSeconds).token,
    cleanup: async () => {
      // fetch (undici) may hold a spare connection that never sent a request; Node's server.close()
      // does not count it as idle and would wait for undici's 4 s keep-alive timer.
      for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy()
      await app.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

let nextDecision = 0

/**
 * A decision as a client would write it: a UUID id (SPEC 2.5; ids sort in creation order) and the
 * purpose's current notice version (SPEC 2.11) unless `input` says otherwise.
 */
export function decision(input: Partial<Decision> & Pick<Decision, 'purposeId' | 'state'>): Decision {
  nextDecision++
  return {
    id: `00000000-0000-4000-8000-${nextDecision.toString(16).padStart(12, '0')}`,
    supersedes: [],
    at: '2026-11-02T10:00:00.000Z',
    actor: { id: 'C-0001', role: 'customer' },
    channel: 'web',
    noticeVersion: findPurpose(DEFAULT_CATALOG, input.purposeId)?.version ?? '1.0',
    ...input,
  }
}

/** Makes `added` durable for the customer as one accepted update, with its audit entries chained onto the stored ones. */
export async function appendDecisions(
  store: Store,
  customerId: string,
  before: readonly Decision[],
  added: readonly Decision[],
  user: { id: string; role: UserRole },
  receivedAt: string,
): Promise<AppendResult & { entries: AuditEntry[] }> {
  const update = new TextEncoder().encode(JSON.stringify(added))
  const updateHash = sha256Hex(update)
  const connectionId = `conn-${customerId}`
  const records = auditEntriesFor(
    before,
    added,
    { customerId, receivedAt, connectionId, updateHash, user },
    DEFAULT_CATALOG,
  )
  const entries = chainAll(await store.chainHead(customerId), records)
  const [result] = await store.append([
    {
      customerId,
      update,
      meta: { receivedAt, connectionId, userId: user.id, userRole: user.role, hash: updateHash },
      entries,
    },
  ])
  if (!result || result.behind) throw new Error(`append for ${customerId} was not stored`)
  return { ...result, entries }
}

/** Reads a text stream until `done(text)` holds, or fails after `timeoutMs`. */
export async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  done: (text: string) => boolean,
  timeoutMs = 5000,
): Promise<string> {
  const decoder = new TextDecoder()
  let text = ''
  const deadline = Date.now() + timeoutMs
  while (!done(text)) {
    const left = deadline - Date.now()
    if (left <= 0) throw new Error(`timed out; read so far: ${JSON.stringify(text)}`)
    let timer: NodeJS.Timeout | undefined
    const chunk = await Promise.race([
      reader.read(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out; read so far: ${JSON.stringify(text)}`)), left)
      }),
    ]).finally(() => clearTimeout(timer))
    if (chunk.done) throw new Error(`stream ended; read: ${JSON.stringify(text)}`)
    text += decoder.decode(chunk.value, { stream: true })
  }
  return text
}

/** Resolves once `condition()` holds, checking every few milliseconds; fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
