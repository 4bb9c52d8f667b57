/**
 * The three servers under test, each in its own child process on a loopback port chosen up front
 * (so a restart comes back on the same port with the same data).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { createServer as createNetServer } from 'node:net'
import path from 'node:path'
import { track, untrack } from './children'

export type ServerKind = 'consent-sync' | 'y-websocket' | 'hocuspocus'
export const SERVER_KINDS: readonly ServerKind[] = ['consent-sync', 'y-websocket', 'hocuspocus']

const ROOT = path.resolve(import.meta.dirname, '../..')

export interface ServerOptions {
  /** A fresh directory for this server's data. */
  dataDir: string
  /** Extra environment (e.g. SQLITE_SYNCHRONOUS, IDLE_UNLOAD_MS, SNAPSHOT_EVERY). */
  env?: Record<string, string>
}

export interface RunningServer {
  kind: ServerKind
  port: number
  /** The base of the sync URL: `${syncUrl}/${docName}`. */
  syncUrl: string
  readonly pid: number
  /** SIGTERM (or the given signal), bounded wait, then SIGKILL. */
  stop(signal?: NodeJS.Signals): Promise<void>
  /** Stop and start again on the same port and data; resolves when ready again. */
  restart(): Promise<{ stoppedAt: number; readyAt: number }>
  /** Resident set size of the server process, from /proc/<pid>/status. */
  rssBytes(): Promise<number>
  /** consent-sync only: V8 heap used, from /metrics. */
  heapUsedBytes(): Promise<number | null>
}

/** What each server promises about an accepted update if its process crashes (for the results). */
export const CRASH_PROMISE: Record<ServerKind, string> = {
  'consent-sync':
    'an update is acknowledged (message 100) only after its SQLite transaction committed; FULL survives power loss, NORMAL survives a process crash',
  'y-websocket': 'in memory (no YPERSISTENCE): everything since start is lost on a crash or restart',
  hocuspocus:
    'stored 2 s after the last change (at most 10 s), or when the last client leaves: a crash loses up to ~10 s of accepted updates',
}

function command(kind: ServerKind): string[] {
  switch (kind) {
    case 'consent-sync':
      return ['--import', 'tsx', 'apps/server/src/cli.ts', 'serve']
    case 'y-websocket':
      return ['--import', 'tsx', 'bench/servers/y-websocket.ts']
    case 'hocuspocus':
      return ['--import', 'tsx', 'bench/servers/hocuspocus.ts']
  }
}

function environment(kind: ServerKind, port: number, opts: ServerOptions): NodeJS.ProcessEnv {
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port) }
  if (kind === 'consent-sync') {
    return {
      ...base,
      HOST: '127.0.0.1',
      DATABASE_PATH: path.join(opts.dataDir, 'consent-sync.db'),
      DEMO: 'false',
      LOG_LEVEL: 'warn',
      // The benchmark is one user hammering many documents: lift the abuse limits.
      RATE_MESSAGES_PER_SECOND: '100000',
      RATE_USER_MESSAGES_PER_SECOND: '1000000',
      MAX_CONNECTIONS_PER_USER: '100000',
      ...opts.env,
    }
  }
  if (kind === 'hocuspocus')
    return { ...base, DATABASE_PATH: path.join(opts.dataDir, 'hocuspocus.db'), ...opts.env }
  return { ...base, ...opts.env }
}

async function waitReady(kind: ServerKind, port: number, child: ChildProcess, output: () => string) {
  const path_ = kind === 'consent-sync' ? '/readyz' : '/'
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${kind} exited before ready:\n${output()}`)
    }
    const ok = await fetch(`http://127.0.0.1:${port}${path_}`).then(
      (r) => r.status === 200,
      () => false,
    )
    if (ok) return
    if (Date.now() > deadline) throw new Error(`${kind} not ready within 30 s:\n${output()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** A loopback port nothing listens on right now: bound to port 0, read, released. */
export async function freePort(): Promise<number> {
  const probe = createNetServer()
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', resolve)
  })
  const address = probe.address()
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  if (typeof address !== 'object' || address === null) throw new Error('no port from the probe server')
  return address.port
}

/** The secret consent-sync signs tokens with when DEMO is off outside production. */
export async function consentSyncSecret(): Promise<string> {
  // Imported lazily: the peers' scenarios do not depend on consent-sync's code loading.
  return (await import('@consent-sync/server')).DEMO_JWT_SECRET
}

/** Seeds consent-sync customers (it refuses documents of unknown customers). */
export async function seedCustomers(dataDir: string, ids: readonly string[]): Promise<void> {
  const { createSqliteStore } = await import('@consent-sync/server')
  const store = createSqliteStore({ path: path.join(dataDir, 'consent-sync.db'), synchronous: 'NORMAL' })
  await store.migrate()
  for (const id of ids) await store.upsertCustomer({ id, name: `Bench ${id}`, phone: '+94 77 000 0000' })
  await store.close()
}

export async function startServer(kind: ServerKind, opts: ServerOptions): Promise<RunningServer> {
  const port = await freePort()
  let child: ChildProcess
  let output = ''
  const spawnChild = async () => {
    output = ''
    child = spawn(process.execPath, command(kind), {
      cwd: ROOT,
      env: environment(kind, port, opts),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    track(child)
    const keep = (b: Buffer) => {
      output = (output + b.toString()).slice(-4000)
    }
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    try {
      await waitReady(kind, port, child, () => output)
    } catch (err) {
      await stopChild(child)
      throw err
    }
  }
  await spawnChild()
  const server: RunningServer = {
    kind,
    port,
    syncUrl: `ws://127.0.0.1:${port}/sync`,
    get pid() {
      return child.pid ?? -1
    },
    stop: (signal = 'SIGTERM') => stopChild(child, signal),
    async restart() {
      const stoppedAt = Date.now()
      await stopChild(child)
      await spawnChild()
      return { stoppedAt, readyAt: Date.now() }
    },
    async rssBytes() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8')
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN)
      return kb * 1024
    },
    async heapUsedBytes() {
      if (kind !== 'consent-sync') return null
      const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text())
      const v = /^nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1]
      return v === undefined ? null : Number(v)
    },
  }
  return server
}

/** Signal, wait up to 10 s, then SIGKILL; always resolves once the process is gone. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    untrack(child)
    return
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill(signal)
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
  untrack(child)
}
