/**
 * The pages and the API reference work under the server's Content-Security-Policy: nothing they
 * load, run or connect to is refused, in real Chromium against a real server.
 */
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { byTestId, CSR_VIEWPORT, loginAgent, loginCustomer, openCustomer } from './browser'
import { type Dashboards, requireChromium, setupDashboards } from './setup'

const hasChromium = requireChromium('the CSP tests')

declare global {
  interface Window {
    reportViolation?: (v: string) => void
  }
}

/** A page that records every CSP violation: `securitypolicyviolation` events and console reports. */
async function watchedPage(
  dashboards: Dashboards,
  name: string,
): Promise<{ context: BrowserContext; page: Page; violations: string[] }> {
  const { context, page } = await dashboards.person(name, CSR_VIEWPORT)
  const violations: string[] = []
  await context.exposeFunction('reportViolation', (v: string) => violations.push(v))
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.reportViolation?.(
        `${e.violatedDirective} refused ${e.blockedURI || '(inline)'} in ${e.sourceFile}`,
      )
    })
  })
  page.on('console', (message) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) {
      violations.push(`console: ${message.text()}`)
    }
  })
  page.on('pageerror', (err) => violations.push(`page error: ${err.message}`))
  return { context, page, violations }
}

describe.skipIf(!hasChromium)('the pages under the Content-Security-Policy, in Chromium', () => {
  // One server and browser for the whole file; a fresh context per page.
  let dashboards: Dashboards | undefined
  let base: string
  let pages = 0

  beforeAll(async () => {
    dashboards = await setupDashboards()
    base = dashboards.server.httpUrl
  })
  afterAll(async () => {
    await dashboards?.cleanup()
  })

  const open = () => watchedPage(dashboards!, `csp-${++pages}`)

  it('serves /customer/ with a CSP, and the customer signs in, syncs, and gets the fonts and the offline shell', async () => {
    const { page, violations } = await open()
    const answer = await page.goto(`${base}/customer/`)
    expect(answer?.headers()['content-security-policy']).toMatch(/script-src 'self'/)
    await loginCustomer(page, base, 'C-0001')
    // The WebSocket to the same origin was allowed: the status is "saved" only after the server's ack.
    expect(await byTestId(page, 'sync-status').getAttribute('data-status')).toBe('saved')
    // Every web font the page declares loads (fonts load lazily, so ask for each one).
    const fonts = await page.evaluate(async () => {
      const faces = [...document.fonts]
      const loaded = await Promise.all(
        faces.map((f) =>
          f.load().then(
            () => f.status,
            () => 'error',
          ),
        ),
      )
      return faces.map((f, i) => `${f.family} ${f.weight}: ${loaded[i]}`)
    })
    expect(fonts.filter((f) => !f.endsWith(': loaded'))).toEqual([])
    // The service worker was allowed to register.
    expect(await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.active !== null))).toBe(true)
    expect(violations).toEqual([])
  })

  it('serves /csr/: an agent signs in, opens a customer, and the record syncs', async () => {
    const { page, violations } = await open()
    await loginAgent(page, base, 'csr1')
    await openCustomer(page, 'C-0001')
    expect(violations).toEqual([])
  })

  it('serves /demo/, which runs with no server', async () => {
    const { page, violations } = await open()
    await page.goto(`${base}/demo/`)
    await page.locator('[data-testid="demo-page"][data-ready="true"]').waitFor()
    expect(violations).toEqual([])
  })

  it('serves /docs, where Swagger UI renders the API reference', async () => {
    const { page, violations } = await open()
    const answer = await page.goto(`${base}/docs`)
    expect(answer?.headers()['content-security-policy']).toMatch(/frame-ancestors 'none'/)
    await page.locator('.opblock-summary-path', { hasText: '/api/audit/export' }).first().waitFor()
    expect(violations).toEqual([])
  })

  it('serves the index page /', async () => {
    const { page, violations } = await open()
    await page.goto(`${base}/`)
    expect(await page.evaluate(() => getComputedStyle(document.body).maxWidth)).toBe('640px')
    expect(violations).toEqual([])
  })
})
