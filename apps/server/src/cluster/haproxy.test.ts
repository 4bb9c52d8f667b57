import { spawnSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startChildServer } from '../testing/child-server'
import { afterTest, tempDir } from '../testing/per-test'
import { loginAt } from '../testing/server'
import { until } from '../testing/until'
import { findHaproxyConfig, withInstances } from './haproxy-config'
import { haproxyFor, installedHaproxy, restartOn } from './haproxy-test-kit'

const haproxyBin = installedHaproxy('the HAProxy tests')

const config = async () => readFile(findHaproxyConfig()!, 'utf8')

describe('the HAProxy config', () => {
  it('puts one server line per instance in backend instances, in place of the example ones', async () => {
    const rendered = withInstances(await config(), [
      { name: 'a', host: '10.0.0.1', port: 3001 },
      { name: 'b', host: '10.0.0.2', port: 3001 },
    ])
    const servers = rendered.split('\n').filter((l) => /^\s+server\s/.test(l))
    expect(servers.map((l) => l.trim())).toEqual(['server a 10.0.0.1:3001', 'server b 10.0.0.2:3001'])
    // They stand where the examples stood: in the backend, with its checks as default-server.
    const backend = rendered.slice(rendered.indexOf('backend instances'))
    expect(backend.indexOf('default-server')).toBeLessThan(backend.indexOf('server a'))
    expect(() => withInstances('backend instances\n    balance leastconn\n', [])).toThrow(/no server lines/)
  })

  it.skipIf(!haproxyBin)('is one haproxy accepts, with any number of instances', async () => {
    const dir = await tempDir()
    for (const n of [1, 3]) {
      const file = path.join(dir, `${n}.cfg`)
      const instances = Array.from({ length: n }, (_, i) => ({
        name: `i${i}`,
        host: '127.0.0.1',
        port: 4001 + i,
      }))
      await writeFile(file, withInstances(await config(), instances))
      const check = spawnSync(haproxyBin!, ['-c', '-f', file], {
        encoding: 'utf8',
        env: {
          ...process.env,
          CONSENT_SYNC_BIND: '127.0.0.1:4000',
          CONSENT_SYNC_STATS_BIND: '127.0.0.1:4999',
        },
      })
      expect(check.stderr).not.toMatch(/WARNING|ALERT/)
      expect(check.status).toBe(0)
    }
  })
})

describe.skipIf(!haproxyBin)('an instance behind HAProxy', () => {
  /** A WebSocket through HAProxy with a browser's Origin: the first thing it hears, or its close. */
  async function openWith(url: string, origin: string) {
    const ws = new WebSocket(url, { origin })
    afterTest(() => ws.terminate())
    let heard: 'message' | { close: number } | null = null
    ws.once('message', () => {
      heard ??= 'message'
    })
    ws.once('close', (code) => {
      heard ??= { close: code }
    })
    ws.once('error', () => {})
    return until(() => heard, 5000, `the server to answer a socket from ${origin}`)
  }

  it("sees the browser's Host and Origin: its own page is admitted, another origin closed 4403", async () => {
    const server = await startChildServer(path.join(await tempDir(), 'consent-sync.db'))
    afterTest(() => server.stop('SIGKILL'))
    const { httpUrl, syncUrl } = await haproxyFor(haproxyBin!, [{ name: 'only', port: server.port }])
    const token = await loginAt(httpUrl, 'C-0001')
    const url = `${syncUrl}/C-0001?token=${encodeURIComponent(token)}&ack=0`
    // The page was served by HAProxy's address, so that is its origin and the Host it sends.
    expect(await openWith(url, httpUrl)).toBe('message')
    expect(await openWith(url, 'http://elsewhere.example')).toEqual({ close: 4403 })
  })

  it('answers 503 while no instance is ready, and serves once one is', async () => {
    const dir = await tempDir()
    const server = await startChildServer(path.join(dir, 'consent-sync.db'))
    afterTest(() => server.stop('SIGKILL'))
    const { haproxy, httpUrl } = await haproxyFor(haproxyBin!, [{ name: 'only', port: server.port }])
    await server.stop('SIGKILL')
    await until(async () => (await haproxy.server('only')).status === 'DOWN', 2500, 'the instance DOWN')
    expect((await fetch(`${httpUrl}/readyz`)).status).toBe(503)
    await restartOn(server.port, { DATABASE_PATH: path.join(dir, 'consent-sync.db') })
    await until(async () => (await fetch(`${httpUrl}/readyz`)).status === 200, 5000, 'served again')
  })
})
