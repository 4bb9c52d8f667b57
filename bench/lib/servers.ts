/**
 * One server process under test, on a loopback port chosen up front (so a restart comes back on the
 * same port with the same data). consent-sync starts through the `consent-sync` bin of its package,
 * as an operator starts it; the peers through their scripts in bench/servers/.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { stopChild, track } from './children'
import { withOpenFilesRaised } from './limits'
import type { ServerKind } from './target'

const BENCH_DIR = path.resolve(import.meta.dirname, '..')
const ROOT = path.resolve(BENCH_DIR, '..')

export interface RunningServer {
  server: ServerKind
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
  /** File descriptors the server process has open (its connections and the rest), from /proc/<pid>/fd. */
  openFiles(): Promise<number>
  /** CPU time the server process has used (user + system, every thread), from /proc/<pid>/stat. */
  cpuSeconds(): Promise<number>
  /** consent-sync only: one sample of its /metrics (null for the peers, or when absent). */
  metric(name: string): Promise<number | null>
}

/** Linux's USER_HZ: what /proc counts CPU time in (100 on every architecture Node runs on here). */
const CLOCK_TICKS = 100

/** The `consent-sync` bin of @consent-sync/server, where npm links a workspace's bins. */
const CONSENT_SYNC_BIN = path.join(ROOT, 'node_modules', '.bin', 'consent-sync')

function command(server: ServerKind): string[] {
  switch (server) {
    case 'consent-sync':
      // BENCH_PROF=1: a CPU profile of the server in /tmp/prof, written when it exits.
      return [
        ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []),
        CONSENT_SYNC_BIN,
        'serve',
      ]
    case 'y-websocket':
      return ['--import', 'tsx', path.join(BENCH_DIR, 'servers', 'y-websocket.ts')]
    case 'hocuspocus':
      return ['--import', 'tsx', path.join(BENCH_DIR, 'servers', 'hocuspocus.ts')]
  }
}

function environment(server: ServerKind, port: number, env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port) }
  if (server !== 'consent-sync') return { ...base, ...env }
  return {
    ...base,
    HOST: '127.0.0.1',
    DEMO: 'false',
    LOG_LEVEL: 'warn',
    // The benchmark is one user hammering many documents: lift the abuse limits.
    RATE_MESSAGES_PER_SECOND: '100000',
    RATE_USER_MESSAGES_PER_SECOND: '1000000',
    MAX_CONNECTIONS_PER_USER: '100000',
    // BENCH_SERVER_ENV="SQLITE_WRITER=inline,…": settings to try on consent-sync in an experiment.
    ...Object.fromEntries(
      (process.env.BENCH_SERVER_ENV ?? '')
        .split(',')
        .filter((kv) => kv.includes('='))
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    ),
    ...env,
  }
}

async function waitReady(server: ServerKind, port: number, child: ChildProcess, output: () => string) {
  const readyPath = server === 'consent-sync' ? '/readyz' : '/'
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${server} exited before ready:\n${output()}`)
    }
    const ok = await fetch(`http://127.0.0.1:${port}${readyPath}`).then(
      (r) => r.status === 200,
      () => false,
    )
    if (ok) return
    if (Date.now() > deadline) throw new Error(`${server} not ready within 30 s:\n${output()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Imported when needed: the peers' runs do not depend on consent-sync's code loading. */
async function freePort(): Promise<number> {
  return (await import('@consent-sync/server/testing')).freePort()
}

/** Starts one server with the given environment (its store's and the scenario's settings). */
export async function startServer(server: ServerKind, env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort()
  let child: ChildProcess
  let output = ''
  const spawnChild = async () => {
    output = ''
    // Through sh, to raise the open-files limit where allowed (lib/limits.ts); exec keeps the pid.
    const [file, args] = withOpenFilesRaised(process.execPath, command(server))
    child = spawn(file, args, {
      cwd: ROOT,
      env: environment(server, port, env),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    track(child)
    const keep = (b: Buffer) => {
      output = (output + b.toString()).slice(-4000)
    }
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    try {
      await waitReady(server, port, child, () => output)
    } catch (err) {
      await stopChild(child)
      throw err
    }
  }
  await spawnChild()
  return {
    server,
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
    async openFiles() {
      return (await readdir(`/proc/${child.pid}/fd`)).length
    },
    async cpuSeconds() {
      const stat = await readFile(`/proc/${child.pid}/stat`, 'utf8')
      // After the ")" that ends the command name: fields 14 and 15 are utime and stime, in ticks.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
    },
    async metric(name) {
      if (server !== 'consent-sync') return null
      const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text())
      const value = new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1]
      return value === undefined ? null : Number(value)
    },
  }
}
