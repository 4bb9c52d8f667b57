import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { findHaproxyConfig, HAPROXY_CONFIG, type Instance, withInstances } from './haproxy-config'
import { waitFor } from './wait-for'

export type HaproxyFailure = 'not-installed' | 'no-config' | 'invalid-config' | 'exited'

export type HaproxyResult<T> = { ok: true; value: T } | { ok: false; reason: HaproxyFailure; detail: string }

export const HAPROXY_INSTALL_HINT =
  'install it: `apt-get install -y haproxy` (Debian, Ubuntu), `dnf install haproxy` (Fedora), `brew install haproxy` (macOS)'

/** Debian installs it in /usr/sbin, which a user's PATH may lack. */
const SBIN = ['/usr/sbin', '/usr/local/sbin']

/** The haproxy executable and its version line, from PATH or the sbin directories. */
export function findHaproxy(): HaproxyResult<{ bin: string; version: string }> {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...SBIN]
  for (const dir of dirs) {
    const bin = path.join(dir, 'haproxy')
    try {
      accessSync(bin, constants.X_OK)
    } catch {
      continue
    }
    const run = spawnSync(bin, ['-v'], { encoding: 'utf8' })
    if (run.status === 0) return { ok: true, value: { bin, version: run.stdout.split('\n')[0] ?? '' } }
  }
  return { ok: false, reason: 'not-installed', detail: `haproxy is not installed; ${HAPROXY_INSTALL_HINT}` }
}

/** One instance as HAProxy's stats page shows it (`status`: UP, DOWN, or `UP 1/2` on the way). */
export interface ServerStats {
  name: string
  status: string
  /** Sessions open now, and since HAProxy started. */
  scur: number
  stot: number
  /** Connection attempts that failed, were retried, or were sent elsewhere (redispatched). */
  econ: number
  wretr: number
  wredis: number
}

export interface HaproxyOptions {
  bin: string
  instances: readonly Instance[]
  /** `host:port` of the public side, and of the stats page. */
  bind: string
  statsBind: string
  /** Each line HAProxy writes on standard error: its warnings, such as an instance going down. */
  onLine?: (line: string) => void
}

/**
 * `haproxy` with the repository's config and these instances, in the foreground, its config in a
 * temp dir of its own; ready once its stats page answers (it binds every address before serving).
 */
export async function startHaproxy(options: HaproxyOptions): Promise<HaproxyResult<Haproxy>> {
  const template = findHaproxyConfig()
  if (!template) return { ok: false, reason: 'no-config', detail: `${HAPROXY_CONFIG} not found` }
  const dir = await mkdtemp(path.join(tmpdir(), 'consent-sync-haproxy-'))
  const file = path.join(dir, 'consent-sync.cfg')
  await writeFile(file, withInstances(await readFile(template, 'utf8'), options.instances))
  const env = { ...process.env, CONSENT_SYNC_BIND: options.bind, CONSENT_SYNC_STATS_BIND: options.statsBind }
  const check = spawnSync(options.bin, ['-c', '-f', file], { env, encoding: 'utf8' })
  if (check.status !== 0) {
    await rm(dir, { recursive: true, force: true })
    return { ok: false, reason: 'invalid-config', detail: `${template}: ${check.stderr}${check.stdout}` }
  }
  // -db: stay in the foreground, so this process owns it and its end is seen.
  const child = spawn(options.bin, ['-db', '-f', file], { env, stdio: ['ignore', 'ignore', 'pipe'] })
  const haproxy = watch(child, `http://${options.statsBind}/stats`, dir, options.onLine)
  const ready = await waitFor(
    async () =>
      haproxy.exit !== null ||
      (await haproxy.servers().then(
        () => true,
        () => false,
      )),
    10_000,
  )
  if (!ready || haproxy.exit !== null) {
    await haproxy.stop()
    const why = haproxy.exit ? `exited (${haproxy.exit})` : 'did not answer within 10 s'
    return { ok: false, reason: 'exited', detail: `haproxy ${why}:\n${haproxy.output}` }
  }
  return { ok: true, value: haproxy }
}

/** A running haproxy: how it ended, what it said, and its view of the instances. */
function watch(child: ChildProcess, statsUrl: string, dir: string, onLine?: (line: string) => void) {
  let exit: string | null = null
  let output = ''
  let partial = ''
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    output += text
    const lines = (partial + text).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) if (line.trim()) onLine?.(line)
  })
  // A test runner or a CLI that ends without stopping it must not leave it running.
  const killOnExit = () => child.kill('SIGKILL')
  process.on('exit', killOnExit)
  const exited = new Promise<string>((resolve) => {
    const ended = (how: string) => {
      exit ??= how
      process.off('exit', killOnExit)
      resolve(exit)
    }
    child.once('exit', (code, signal) => ended(signal ?? `code ${code}`))
    child.once('error', (err) => ended(`error: ${err.message}`))
  })

  /** The instances as HAProxy sees them, from the stats page's CSV. */
  const servers = async (): Promise<ServerStats[]> => {
    const res = await fetch(`${statsUrl};csv`)
    if (!res.ok) throw new Error(`HAProxy stats answered ${res.status}`)
    const [header = '', ...rows] = (await res.text()).trim().split('\n')
    const names = header.replace(/^# /, '').split(',')
    return rows
      .map((row) => Object.fromEntries(row.split(',').map((v, i) => [names[i], v])))
      .filter((r) => r.pxname === 'instances' && r.svname !== 'BACKEND')
      .map((r) => ({
        name: String(r.svname),
        status: String(r.status),
        scur: Number(r.scur),
        stot: Number(r.stot),
        econ: Number(r.econ),
        wretr: Number(r.wretr),
        wredis: Number(r.wredis),
      }))
  }

  return {
    statsUrl,
    exited,
    /** How it ended (`SIGTERM`, `code 1`), or null while it runs. */
    get exit(): string | null {
      return exit
    },
    /** Everything it wrote on standard error. */
    get output(): string {
      return output
    },
    servers,
    /** One instance by its server name. */
    async server(name: string): Promise<ServerStats> {
      const found = (await servers()).find((s) => s.name === name)
      if (!found) throw new Error(`HAProxy has no server ${name}`)
      return found
    },
    /** SIGTERM (HAProxy's immediate stop), SIGKILL if it lingers; its temp dir removed. */
    async stop(): Promise<void> {
      if (exit === null) {
        child.kill('SIGTERM')
        if (!(await waitFor(() => exit !== null, 5000))) child.kill('SIGKILL')
        await exited
      }
      await rm(dir, { recursive: true, force: true })
    },
  }
}

export type Haproxy = ReturnType<typeof watch>
