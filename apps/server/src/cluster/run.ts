import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { startProxy } from './proxy'

export interface ClusterOptions {
  instances: number
  /** The proxy's port; instances listen on the ports after it. */
  port: number
  host: string
  log: (line: string) => void
}

const CLI = path.join(import.meta.dirname, '..', 'cli.ts')

/**
 * Several server instances on PostgreSQL and Redis behind a small TCP proxy, on one machine:
 * `npm run start:cluster`. Each instance is restarted if it dies; Ctrl-C stops them all.
 */
export async function runCluster(options: ClusterOptions): Promise<void> {
  const env = {
    ...process.env,
    STORE: 'postgres',
    DATABASE_URL: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
    REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    HOST: '127.0.0.1',
  }
  options.log(`store ${env.DATABASE_URL.replace(/:[^:@/]*@/, ':***@')}, fan-out ${env.REDIS_URL}`)
  const children = new Map<number, ChildProcess>()
  let stopping = false
  const ports = Array.from({ length: options.instances }, (_, i) => options.port + 1 + i)
  const start = (port: number) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve'], {
      env: { ...env, PORT: String(port) },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    children.set(port, child)
    child.once('exit', (code, signal) => {
      if (stopping) return
      options.log(`instance on port ${port} exited (${signal ?? code}); restarting it`)
      setTimeout(() => start(port), 1000).unref()
    })
  }
  for (const port of ports) start(port)
  for (const port of ports) await waitReady(port)
  const proxy = startProxy({
    host: options.host,
    port: options.port,
    backends: ports.map((port) => ({ host: '127.0.0.1', port })),
  })
  const listening = await proxy.listening
  const base = `http://${options.host === '0.0.0.0' ? 'localhost' : options.host}:${listening}`
  options.log(`${options.instances} instances (ports ${ports.join(', ')}) behind ${base}`)
  options.log(`  customer dashboard  ${base}/customer/`)
  options.log(`  CSR dashboard       ${base}/csr/`)
  const stop = async () => {
    if (stopping) return
    stopping = true
    await proxy.close()
    const exits = [...children.values()].map((c) => new Promise((r) => c.once('exit', r)))
    for (const c of children.values()) c.kill('SIGTERM')
    await Promise.all(exits)
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

async function waitReady(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) return
    if (Date.now() > deadline) throw new Error(`instance on port ${port} did not become ready`)
    await new Promise((r) => setTimeout(r, 200))
  }
}
