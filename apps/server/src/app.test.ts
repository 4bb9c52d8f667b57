import { rmSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { createServer } from './app'
import { loadConfig } from './config'
import { setup, type TestServer, tempDir, testRooms } from './test-server'

let server: TestServer | undefined
afterEach(async () => {
  await server?.cleanup()
  server = undefined
})

const PRODUCTION_SECRET = 'a-production-secret-of-more-than-32-characters'

function productionConfig(dir: string) {
  return loadConfig(
    {
      NODE_ENV: 'production',
      JWT_SECRET: PRODUCTION_SECRET,
      DATABASE_PATH: path.join(dir, 'consent.db'),
      LOG_LEVEL: 'silent',
    },
    dir,
  )
}

describe('createServer', () => {
  it('refuses a production start while the store holds demo accounts (DESIGN.md §10)', async () => {
    const dir = tempDir()
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
    const demo = await createServer(loadConfig({ DATABASE_PATH: path.join(dir, 'consent.db') }, dir), {
      logger: false,
      rooms: testRooms,
    })
    await demo.app.close()

    await expect(createServer(productionConfig(dir), { logger: false, rooms: testRooms })).rejects.toThrow(
      /refusing to start: .* holds demo accounts/,
    )
  })

  it('starts in production on a fresh store, without demo accounts', async () => {
    const dir = tempDir()
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
    const { app, ctx } = await createServer(productionConfig(dir), { logger: false, rooms: testRooms })
    expect(await ctx.store.hasDemoUsers()).toBe(false)
    expect(await ctx.store.findUser('csr1')).toBeUndefined()
    await app.close()
  })

  it('closes the sync connections with 1012 when the server closes', async () => {
    const s = await setup()
    await s.cleanup()
    expect(s.rooms.shutdowns).toEqual([{ code: 1012, reason: 'server restarting' }])
  })

  it('redacts the token query parameter from every log line', async () => {
    const lines: string[] = []
    server = await setup({
      env: { LOG_LEVEL: 'info' },
      logger: { stream: { write: (line: string) => lines.push(line) } },
    })
    const token = server.tokenFor({ id: 'csr1', role: 'csr' })
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
