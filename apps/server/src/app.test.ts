import path from 'node:path'
import { CloseCode } from '@consent-sync/protocol'
import { describe, expect, it } from 'vitest'
import { createServer } from './app'
import { loadConfig } from './config'
import { rawClient } from './testing/clients'
import { tempDir, testServer } from './testing/per-test'
import { TEST_RECEIPT_KEY_PEM } from './testing/receipt-keys'
import { CSR_1, startTestServer } from './testing/server'

const PRODUCTION_SECRET = 'a-production-secret-of-more-than-32-characters'

function productionConfig(dir: string) {
  return loadConfig(
    {
      NODE_ENV: 'production',
      JWT_SECRET: PRODUCTION_SECRET,
      RECEIPT_SIGNING_KEY: TEST_RECEIPT_KEY_PEM,
      DATABASE_PATH: path.join(dir, 'consent.db'),
      LOG_LEVEL: 'silent',
    },
    dir,
  )
}

describe('createServer', () => {
  it('refuses a production start while the store holds demo accounts (DESIGN.md §10)', async () => {
    const dir = await tempDir()
    const demo = await createServer(loadConfig({ DATABASE_PATH: path.join(dir, 'consent.db') }, dir), {
      logger: false,
    })
    await demo.app.close()

    await expect(createServer(productionConfig(dir), { logger: false })).rejects.toThrow(
      /refusing to start: .* holds demo accounts/,
    )
  })

  it('refuses a production start without a receipt signing key, naming the variable', async () => {
    const dir = await tempDir()
    const env = {
      NODE_ENV: 'production',
      JWT_SECRET: PRODUCTION_SECRET,
      DATABASE_PATH: path.join(dir, 'c.db'),
    }
    await expect(createServer(loadConfig(env, dir), { logger: false })).rejects.toThrow(/RECEIPT_SIGNING_KEY/)
  })

  it('starts in production on a fresh store, without demo accounts', async () => {
    const dir = await tempDir()
    const { app, ctx } = await createServer(productionConfig(dir), { logger: false })
    expect(await ctx.store.hasDemoUsers()).toBe(false)
    expect(await ctx.store.findUser('csr1')).toBeUndefined()
    await app.close()
  })

  it('closes the sync connections with 1012 when the server closes', async () => {
    const s = await startTestServer()
    const client = await rawClient(`${s.syncUrl}/C-0001?token=${s.token(CSR_1)}`)
    await s.cleanup()
    expect(await client.waitClosed()).toEqual({ code: CloseCode.Restarting, reason: 'server restarting' })
  })

  it('redacts the token query parameter from every log line', async () => {
    const lines: string[] = []
    const server = await testServer({
      env: { LOG_LEVEL: 'info' },
      logger: { stream: { write: (line: string) => lines.push(line) } },
    })
    const token = server.token({ id: 'csr1', role: 'csr' })
    const feed = await fetch(server.url(`/api/feed?x=1&token=${token}`))
    await feed.body?.cancel()
    await fetch(server.url(`/sync/C-0001?token=${token}&ack=0`))
    await fetch(server.url(`/api/nowhere?token=${token}`))
    const requestLines = lines.filter((l) => l.includes('"url"'))
    expect(requestLines.length).toBeGreaterThanOrEqual(3)
    expect(lines.join('\n')).not.toContain(token)
    expect(requestLines.join('\n')).toContain('/api/feed?x=1&token=[redacted]')
  })
})
