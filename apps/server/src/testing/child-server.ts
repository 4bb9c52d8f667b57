import { type ChildProcess, spawn } from 'node:child_process'
import { createServer as createNetServer } from 'node:net'
import path from 'node:path'
import { loginAt } from './server'
import { until } from './until'

/** apps/server: the working directory of the CLI. */
const SERVER_DIR = path.resolve(import.meta.dirname, '../..')

/** A port nothing listens on right now: bound to port 0, read, released. */
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

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

/**
 * `consent-sync <args>` as a child process, the one way the tests start one: the TypeScript
 * sources, or `built` (a `cli.mjs` of `build.mjs`, relative to apps/server). Its environment is
 * only what the CLI needs: no NODE_ENV=production or other settings leaking in from the runner.
 */
function spawnCli(
  args: string[],
  databasePath: string,
  env: Record<string, string>,
  input?: string,
  built?: string,
): ChildProcess {
  const entry = built ? [built] : ['--import', 'tsx', 'src/cli.ts']
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: SERVER_DIR,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_PATH: databasePath,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  })
  if (input !== undefined) child.stdin?.end(input)
  return child
}

/** `consent-sync <args>` as a child process (`input` on its stdin); resolves with its exit code and output. */
export function runCli(
  args: string[],
  databasePath: string,
  env: Record<string, string> = {},
  timeoutMs = 20_000,
  input?: string,
) {
  const child = spawnCli(args, databasePath, env, input)
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (b: Buffer) => {
    stdout += b.toString()
  })
  child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString()
  })
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`consent-sync ${args.join(' ')} did not exit within ${timeoutMs} ms: ${stderr}`))
    }, timeoutMs)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/**
 * `consent-sync serve` as a real child process on a free loopback port (demo data seeded by the
 * CLI itself), ready once GET /readyz answers 200; `built`: a built `cli.mjs` instead of the sources.
 */
export async function startChildServer(
  databasePath: string,
  env: Record<string, string> = {},
  { built, port: fixedPort }: { built?: string; port?: number } = {},
) {
  const port = fixedPort ?? (await freePort())
  const child = spawnCli(
    ['serve'],
    databasePath,
    { PORT: String(port), HOST: '127.0.0.1', ...env },
    undefined,
    built,
  )
  let output = ''
  child.stdout?.on('data', (b: Buffer) => {
    output += b.toString()
  })
  child.stderr?.on('data', (b: Buffer) => {
    output += b.toString()
  })
  let exit: Exit | null = null
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal }
      resolve(exit)
    })
  })
  const httpUrl = `http://127.0.0.1:${port}`
  const server = {
    child,
    port,
    httpUrl,
    syncUrl: `ws://127.0.0.1:${port}/sync`,
    get exit(): Exit | null {
      return exit
    },
    get output() {
      return output
    },
    /** Sends a signal and waits (bounded) for the process to end. */
    async stop(signal: NodeJS.Signals, timeoutMs = 10_000): Promise<Exit> {
      if (exit) return exit
      child.kill(signal)
      return until(() => exit, timeoutMs, `child server to exit after ${signal}`)
    },
    /** A token for a demo account, through the real login route. */
    login: (username: string) => loginAt(httpUrl, username),
  }
  try {
    await until(
      async () => {
        if (exit) throw new Error(`child server exited (${JSON.stringify(exit)}) before ready:\n${output}`)
        try {
          return (await fetch(`${httpUrl}/readyz`)).status === 200
        } catch {
          return false
        }
      },
      20_000,
      'child server ready (GET /readyz)',
    )
  } catch (err) {
    child.kill('SIGKILL')
    await exited
    throw err
  }
  return server
}

export type ChildServer = Awaited<ReturnType<typeof startChildServer>>
