/**
 * `consent-sync serve` (the package's bin, as an operator starts it) as a real child process on a
 * fixed loopback port, so it can be SIGKILLed and restarted on the same database and address while
 * the proxies keep pointing at it.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { DEMO_PASSWORD } from '@consent-sync/server'
import { runCli } from '@consent-sync/server/testing'

/** The `consent-sync` bin of @consent-sync/server, where npm links a workspace's bins. */
const CONSENT_SYNC_BIN = path.resolve(import.meta.dirname, '../node_modules/.bin/consent-sync')

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

/**
 * Settings for the soak. Message rates stay at their defaults, so a presence storm or a reconnect
 * loop shows as 4529; connections per user are raised because half-open links of the soak's
 * faults stay counted until the server notices them.
 */
export function soakServerEnv(port: number, databasePath: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_PATH: databasePath,
    LOG_LEVEL: 'warn',
    DEMO: 'true',
    TOKEN_TTL_SECONDS: String(24 * 3600),
    MAX_CONNECTIONS_PER_USER: '1000',
    // Small, so snapshots and idle unloads happen often and under fire too.
    SNAPSHOT_EVERY: '25',
    IDLE_UNLOAD_MS: '3000',
  }
}

/** `consent-sync verify` on the soak's database: chain walk and re-derivation from stored updates. */
export async function runVerify(databasePath: string, timeoutMs = 120_000) {
  try {
    return await runCli(['verify'], databasePath, {}, timeoutMs)
  } catch (err) {
    return { code: null, stdout: '', stderr: String(err) }
  }
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms))
}

export class ServerProcess {
  private child: ChildProcess | undefined
  private exit: Exit | undefined
  private output = ''
  starts = 0
  /** Lines the server wrote at warn or above, kept bounded. */
  readonly warnings: string[] = []

  constructor(
    readonly port: number,
    readonly databasePath: string,
  ) {}

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`
  }

  get running(): boolean {
    return this.child !== undefined && this.exit === undefined
  }

  /** Starts the server and waits (bounded) for GET /readyz to answer 200. */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.running) throw new Error('server already running')
    this.exit = undefined
    this.output = ''
    const child = spawn(process.execPath, [CONSENT_SYNC_BIN, 'serve'], {
      env: soakServerEnv(this.port, this.databasePath),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child = child
    this.starts++
    const collect = (b: Buffer) => {
      const text = b.toString()
      this.output = (this.output + text).slice(-20_000)
      for (const line of text.split('\n')) {
        if (line.startsWith('{') && this.warnings.length < 200) this.warnings.push(line.slice(0, 2000))
      }
    }
    child.stdout?.on('data', collect)
    child.stderr?.on('data', collect)
    child.once('exit', (code, signal) => {
      if (this.child === child) this.exit = { code, signal }
    })
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if (this.exit)
        throw new Error(`server exited ${JSON.stringify(this.exit)} before ready:\n${this.output}`)
      if (await this.ready()) return
      if (Date.now() > deadline) {
        child.kill('SIGKILL')
        throw new Error(`server not ready within ${timeoutMs} ms:\n${this.output}`)
      }
      await sleep(50)
    }
  }

  /** GET /readyz answered 200. */
  async ready(): Promise<boolean> {
    try {
      return (await fetch(`${this.httpUrl}/readyz`, { signal: AbortSignal.timeout(2000) })).status === 200
    } catch {
      return false
    }
  }

  /** Sends a signal and waits (bounded) for the process to end. */
  async stop(signal: NodeJS.Signals, timeoutMs = 15_000): Promise<Exit> {
    const child = this.child
    if (!child) throw new Error('server never started')
    if (this.exit) return this.exit
    child.kill(signal)
    const deadline = Date.now() + timeoutMs
    while (!this.exit) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL')
        throw new Error(`server did not exit within ${timeoutMs} ms after ${signal}:\n${this.output}`)
      }
      await sleep(20)
    }
    return this.exit
  }

  /** A token for a demo account through the real login route. */
  async login(username: string): Promise<string> {
    const res = await fetch(`${this.httpUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: DEMO_PASSWORD }),
      signal: AbortSignal.timeout(5000),
    })
    if (res.status !== 200) throw new Error(`login of ${username} answered ${res.status}`)
    return ((await res.json()) as { token: string }).token
  }

  get recentOutput(): string {
    return this.output
  }
}
