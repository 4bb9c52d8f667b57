import { type ChildProcess, spawn } from 'node:child_process'
import { findHaproxy, type HaproxyFailure, startHaproxy } from './haproxy'
import { waitFor } from './wait-for'

export interface ClusterOptions {
  instances: number
  /** HAProxy's port; instances listen on the ports after it, its stats page on the next one. */
  port: number
  host: string
  log: (line: string) => void
}

export type ClusterFailure = HaproxyFailure | 'no-entry' | 'instance-not-ready'

export type ClusterStart = { ok: true } | { ok: false; reason: ClusterFailure; detail: string }

/**
 * Several server instances on PostgreSQL and Redis behind HAProxy, on one machine:
 * `npm run start:cluster`. An instance that dies is restarted (HAProxy's health check takes it
 * out meanwhile and back in once ready); Ctrl-C or SIGTERM stops them all. Resolves once running.
 */
export async function runCluster(options: ClusterOptions): Promise<ClusterStart> {
  const haproxyBin = findHaproxy()
  if (!haproxyBin.ok) return haproxyBin
  const entry = thisEntry()
  if (!entry) return { ok: false, reason: 'no-entry', detail: 'cannot tell which script is running' }
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
    const child = spawn(process.execPath, [...entry, 'serve'], {
      env: { ...env, PORT: String(port) },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    children.set(port, child)
    child.once('exit', (code, signal) => {
      if (stopping) return
      options.log(`instance on port ${port} exited (${signal ?? code}); restarting it`)
      setTimeout(() => stopping || start(port), 1000).unref()
    })
  }
  // However this process ends, it takes its instances with it.
  process.once('exit', () => {
    for (const c of children.values()) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  })
  const stopInstances = async () => {
    stopping = true
    const running = [...children.values()].filter((c) => c.exitCode === null && c.signalCode === null)
    const exits = running.map((c) => new Promise((r) => c.once('exit', r)))
    for (const c of running) c.kill('SIGTERM')
    const timer = setTimeout(() => {
      for (const c of running) c.kill('SIGKILL')
    }, 10_000)
    await Promise.all(exits)
    clearTimeout(timer)
  }

  for (const port of ports) start(port)
  const ready = await Promise.all(ports.map((port) => waitFor(() => answersReady(port), 30_000)))
  const late = ports.filter((_, i) => !ready[i])
  if (late.length > 0) {
    await stopInstances()
    return {
      ok: false,
      reason: 'instance-not-ready',
      detail: `not ready within 30 s: ports ${late.join(', ')}`,
    }
  }

  const statsBind = `127.0.0.1:${options.port + options.instances + 1}`
  const started = await startHaproxy({
    bin: haproxyBin.value.bin,
    instances: ports.map((port, i) => ({ name: `instance${i + 1}`, host: '127.0.0.1', port })),
    bind: `${options.host}:${options.port}`,
    statsBind,
    onLine: (line) => options.log(`haproxy: ${line}`),
  })
  if (!started.ok) {
    await stopInstances()
    return started
  }
  const haproxy = started.value
  const base = `http://${options.host === '0.0.0.0' ? 'localhost' : options.host}:${options.port}`
  options.log(`${options.instances} instances (ports ${ports.join(', ')}) behind ${haproxyBin.value.version}`)
  options.log(`  customer dashboard  ${base}/customer/`)
  options.log(`  CSR dashboard       ${base}/csr/`)
  options.log(`  HAProxy stats       http://${statsBind}/stats`)

  const stop = async (code: number) => {
    if (stopping) return
    // Instances first: each closes its sockets with 1012 through HAProxy, then HAProxy goes.
    await stopInstances()
    await haproxy.stop()
    process.exit(code)
  }
  void haproxy.exited.then((how) => {
    if (stopping) return
    options.log(`haproxy exited (${how}); stopping the instances`)
    void stop(1)
  })
  process.once('SIGINT', () => void stop(0))
  process.once('SIGTERM', () => void stop(0))
  return { ok: true }
}

/**
 * How this process was started, for its instances: the same node flags and script, whether the
 * built CLI (dist/cli.mjs), the bin, or the sources through tsx. An inspector port would clash.
 */
function thisEntry(): string[] | null {
  const script = process.argv[1]
  if (!script) return null
  return [...process.execArgv.filter((a) => !a.startsWith('--inspect')), script]
}

async function answersReady(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/readyz`).then(
    (r) => r.ok,
    () => false,
  )
}
