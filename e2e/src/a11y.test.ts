import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { AxeResults, ImpactValue } from 'axe-core'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import {
  byTestId,
  CSR_VIEWPORT,
  CUSTOMER_VIEWPORT,
  loginAgent,
  loginCustomer,
  openCustomer,
  screenshot,
  waitForAttribute,
} from './browser'
import { dashboardsPerTest, requireChromium } from './setup'

const hasChromium = requireChromium('the accessibility tests')

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core')
const DEMO_BUILT = existsSync(path.resolve(import.meta.dirname, '../../apps/demo/dist/index.html'))
const FAILING: readonly ImpactValue[] = ['serious', 'critical']
const VIEWPORTS = { phone: CUSTOMER_VIEWPORT, desktop: CSR_VIEWPORT } as const

/** Runs axe-core in the page; answers its serious and critical violations, one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_PATH })
  const results = await page.evaluate(() =>
    (window as unknown as { axe: { run(): Promise<AxeResults> } }).axe.run(),
  )
  return results.violations
    .filter((v) => v.impact && FAILING.includes(v.impact))
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

/** axe counts a missing <main> as moderate only; each page must have exactly one. */
function mainLandmarks(page: Page): Promise<number> {
  return page.evaluate(() => document.querySelectorAll('main, [role="main"]').length)
}

/** Each page signed in, with content worth checking: decisions, history, audit entries. */
const PAGES = {
  async customer(page: Page, base: string) {
    await loginCustomer(page, base, 'C-0001')
    await byTestId(page, 'toggle-marketing-sms').click()
    await byTestId(page, 'history-row').first().waitFor()
    await waitForAttribute(byTestId(page, 'sync-status'), 'data-status', 'saved')
  },
  async csr(page: Page, base: string) {
    await loginAgent(page, base, 'csr1')
    await openCustomer(page, 'C-0001')
    await page.locator('[data-testid="audit-row"]').first().waitFor()
  },
  async demo(page: Page, base: string) {
    await page.goto(`${base}/demo/`)
    await page.locator('[data-testid="demo-page"][data-ready="true"]').waitFor()
    // The script's first three steps: a live change, offline edits, a conflict on both sides.
    for (const step of [1, 2, 3]) await page.locator(`[data-testid="demo-run-${step}"]`).click()
    await page.locator('[data-testid="customer-panel"] [data-testid^="conflict-"]').first().waitFor()
  },
} as const

describe.skipIf(!hasChromium)('accessibility of every page (axe-core) in Chromium', () => {
  const dashboards = dashboardsPerTest()

  it('finds no serious or critical violation, and one <main>, on each page on a phone and a desktop', async () => {
    expect(DEMO_BUILT, 'apps/demo/dist is missing: run npm run build first').toBe(true)
    const current = await dashboards()
    // A first customer decision, so that the agent's audit trail has a row to scroll sideways.
    const { page: seed } = await current.person('seed', CUSTOMER_VIEWPORT)
    await PAGES.customer(seed, current.server.httpUrl)

    const found: string[] = []
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      for (const [name, open] of Object.entries(PAGES)) {
        // axe comes in as a script of its own: past the page's Content-Security-Policy.
        const { page } = await current.person(`${name}-${size}`, viewport, { bypassCSP: true })
        await open(page, current.server.httpUrl)
        await screenshot(page, `a11y-${name}-${size}`)
        const mains = await mainLandmarks(page)
        if (mains !== 1) found.push(`${name} on a ${size}: ${mains} <main> landmarks`)
        for (const v of await seriousViolations(page)) found.push(`${name} on a ${size}: ${v}`)
      }
    }
    expect(found).toEqual([])
  })

  it('scrolls the page with the keyboard when nothing has focus, though the content scrolls in a frame', async () => {
    const current = await dashboards()
    const { page } = await current.customer()
    await loginCustomer(page, current.server.httpUrl, 'C-0001')
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await page.keyboard.press('PageDown')
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="frame-content"]')?.scrollTop ?? 0) > 0,
    )
  })
})
