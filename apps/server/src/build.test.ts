/**
 * The built server (build.mjs: dependencies bundled, route schemas compiled on first use) is what
 * `npm start`, the CLI and the benchmark run: build it beside dist/ and use it as a client would.
 */
import { execFile } from 'node:child_process'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { DEFAULT_CATALOG, decide, readDecisions } from '@consent-sync/consent-core'
import { CloseCode } from '@consent-sync/protocol'
import { describe, expect, it } from 'vitest'
import { type ChildServer, startChildServer } from './testing/child-server'
import { stockClient, trackDurable } from './testing/clients'
import { afterTest, tempDir } from './testing/per-test'
import { until } from './testing/until'

const SERVER_DIR = path.resolve(import.meta.dirname, '..')
const OUT = 'dist-test'

async function buildServer(): Promise<string> {
  await promisify(execFile)(process.execPath, ['build.mjs'], {
    cwd: SERVER_DIR,
    env: { ...process.env, BUILD_OUTDIR: OUT },
  })
  afterTest(() => rm(path.join(SERVER_DIR, OUT), { recursive: true, force: true }))
  return `${OUT}/cli.mjs`
}

describe('the built server', () => {
  it('serves the API, its reference and sync, and restarts with what it acknowledged', async () => {
    const built = await buildServer()
    const dir = await tempDir('consent-sync-built-')
    const db = path.join(dir, 'consent.db')
    const children: ChildServer[] = []
    afterTest(async () => {
      for (const c of children) await c.stop('SIGKILL')
    })
    const first = await startChildServer(db, { DEMO: '1' }, { built })
    children.push(first)

    // A route's schemas compile on its first request: a bad body is refused with the field named.
    const bad = await fetch(`${first.httpUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice' }),
    })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ error: 'bad-request' })
    const reference = (await (await fetch(`${first.httpUrl}/docs/json`)).json()) as { openapi: string }
    expect(reference.openapi).toMatch(/^3\./)
    expect((await fetch(`${first.httpUrl}/docs/`)).status).toBe(200)

    const token = await first.login('csr1')
    const agent = stockClient(first.syncUrl, 'C-0001', token, undefined, { acks: true })
    afterTest(() => agent.destroy())
    const durable = trackDurable(agent.provider)
    await agent.synced()
    const purpose = DEFAULT_CATALOG.purposes[0]!
    const d = decide(agent.doc, {
      purposeId: purpose.id,
      state: 'granted',
      actor: { id: 'csr1', role: 'csr' },
      channel: 'phone',
      noticeVersion: purpose.version,
      evidence: 'call 1',
    })
    await until(() => durable.saved(), 5000, 'the decision acknowledged as durable')

    // SIGTERM: the client hears 1012, the process ends cleanly; the next start has the decision.
    expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null })
    await until(() => agent.closes.some((c) => c.code === CloseCode.Restarting), 5000, 'close 1012')
    const second = await startChildServer(db, { DEMO: '1' }, { built, port: first.port })
    children.push(second)
    await until(() => agent.closes.length >= 1 && agent.provider.synced, 10_000, 'resynced after restart')
    const csrToken = await second.login('csr1')
    const res = await fetch(`${second.httpUrl}/api/customers/C-0001/consents`, {
      headers: { authorization: `Bearer ${csrToken}` },
    })
    expect(res.status).toBe(200)
    expect(JSON.stringify(await res.json())).toContain(d.id)
    expect(readDecisions(agent.doc).map((x) => x.id)).toContain(d.id)
  })
})
