import { spawn } from 'node:child_process'
import path from 'node:path'
import { freePort } from '../testing/child-server'
import { afterTest } from '../testing/per-test'
import { until } from '../testing/until'
import { findHaproxy, startHaproxy } from './haproxy'
import type { Instance } from './haproxy-config'

// The cluster tests' part of the kit: HAProxy or a reason to skip, and one started for a test.

/**
 * The haproxy executable, or null when it is missing on a developer's machine (the tests that
 * need it skip, with this warning). CI must have it: this throws there.
 */
export function installedHaproxy(skipping: string): string | null {
  const found = findHaproxy()
  if (found.ok) return found.value.bin
  if (process.env.CI === 'true') throw new Error(`required in CI: ${found.detail}`)
  console.warn(`skipping ${skipping}: ${found.detail}`)
  return null
}

/**
 * HAProxy with the repository's config in front of `instances`, on free loopback ports, stopped
 * (SIGTERM, then SIGKILL) when the current test finishes; ready once it sees every instance up.
 */
export async function haproxyFor(bin: string, instances: readonly Omit<Instance, 'host'>[]) {
  const front = await freePort()
  let stats = await freePort()
  while (stats === front) stats = await freePort()
  const started = await startHaproxy({
    bin,
    instances: instances.map((i) => ({ ...i, host: '127.0.0.1' })),
    bind: `127.0.0.1:${front}`,
    statsBind: `127.0.0.1:${stats}`,
  })
  if (!started.ok) throw new Error(`${started.reason}: ${started.detail}`)
  const haproxy = started.value
  afterTest(() => haproxy.stop())
  await until(
    async () => (await haproxy.servers()).every((s) => s.status === 'UP'),
    5000,
    'HAProxy to see every instance up',
  )
  return { haproxy, httpUrl: `http://127.0.0.1:${front}`, syncUrl: `ws://127.0.0.1:${front}/sync` }
}

/**
 * `consent-sync serve` again on the port of a killed instance, where HAProxy looks for it; killed
 * when the test finishes. (`startChildServer` listens on a free port of its own choosing.)
 */
export async function restartOn(port: number, env: Record<string, string>): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: 'warn',
      ...env,
      HOST: '127.0.0.1',
      PORT: String(port),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let output = ''
  child.stderr?.on('data', (b: Buffer) => {
    output += b.toString()
  })
  let exited = false
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  void exit.then(() => {
    exited = true
  })
  afterTest(async () => {
    child.kill('SIGKILL')
    await exit
  })
  await until(
    async () => {
      if (exited) throw new Error(`the restarted instance exited before ready:\n${output}`)
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`)
        await res.text()
        return res.status === 200
      } catch {
        return false
      }
    },
    20_000,
    `the instance restarted on port ${port} ready`,
  )
}
