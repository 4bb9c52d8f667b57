import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { setup, type TestServer, tempDir } from '../test-server'

let server: TestServer | undefined
afterEach(async () => {
  await server?.cleanup()
  server = undefined
})

describe('pages', () => {
  it('says which web apps are not built yet instead of 404ing silently', async () => {
    server = await setup()
    const index = await server.get('/')
    expect(index.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await index.text()
    expect(html.match(/not built yet: run npm run build/g)).toHaveLength(3)
    expect(html).toContain('href="/docs"')
    const page = await server.get('/customer/')
    expect(page.status).toBe(404)
    expect(await page.text()).toContain('npm run build')
  })

  it('serves a built app from its dist folder and links it from the index', async () => {
    const web = tempDir()
    onTestFinished(() => rmSync(web, { recursive: true, force: true }))
    const dist = path.join(web, 'apps', 'csr-web', 'dist')
    mkdirSync(path.join(dist, 'assets'), { recursive: true })
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>CSR</title>')
    writeFileSync(path.join(dist, 'assets', 'app.js'), 'console.log(1)')
    server = await setup({ env: { WEB_ROOT: web } })
    const html = await (await server.get('/')).text()
    expect(html).toContain('<a href="/csr/">')
    expect(html.match(/not built yet/g)).toHaveLength(2)
    const page = await server.get('/csr/')
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<title>CSR</title>')
    const asset = await server.get('/csr/assets/app.js')
    expect(asset.headers.get('content-type')).toMatch(/javascript/)
    const bare = await fetch(server.url('/csr'), { redirect: 'manual' })
    expect(bare.status).toBe(302)
    expect(bare.headers.get('location')).toBe('/csr/')
  })
})
