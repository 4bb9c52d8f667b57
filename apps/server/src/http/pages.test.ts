import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir, testServer } from '../testing/per-test'

describe('pages', () => {
  it('says which web apps are not built yet instead of 404ing silently', async () => {
    // A web root where nothing is built.
    const server = await testServer({ env: { WEB_ROOT: await tempDir() } })
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
    const web = await tempDir()
    const dist = path.join(web, 'apps', 'csr-web', 'dist')
    mkdirSync(path.join(dist, 'assets'), { recursive: true })
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>CSR</title>')
    writeFileSync(path.join(dist, 'assets', 'app.js'), 'console.log(1)')
    const server = await testServer({ env: { WEB_ROOT: web } })
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
