import { existsSync } from 'node:fs'
import path from 'node:path'
import { DEFAULT_CATALOG } from '@consent-sync/consent-core'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { seriousViolations } from './axe'
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

const DEMO_BUILT = existsSync(path.resolve(import.meta.dirname, '../../apps/demo/dist/index.html'))
const VIEWPORTS = { phone: CUSTOMER_VIEWPORT, desktop: CSR_VIEWPORT } as const

/** axe counts a missing <main> as moderate only; each page must have exactly one. */
function mainLandmarks(page: Page): Promise<number> {
  return page.evaluate(() => document.querySelectorAll('main, [role="main"]').length)
}

/** A purpose the seed customer grants before its notice changes materially: every customer page asks again. */
const RENEWED = 'personalised-offers'

/** Each page signed in, with content worth checking: decisions, history, audit entries, a changed notice. */
const PAGES = {
  async customer(page: Page, base: string) {
    await loginCustomer(page, base, 'C-0001')
    await byTestId(page, 'toggle-marketing-sms').click()
    await byTestId(page, 'history-row').first().waitFor()
    await waitForAttribute(byTestId(page, 'sync-status'), 'data-status', 'saved')
    await byTestId(page, `notice-diff-${RENEWED}`).waitFor()
  },
  async csr(page: Page, base: string) {
    await loginAgent(page, base, 'csr1')
    await openCustomer(page, 'C-0001')
    await page.locator('[data-testid="audit-row"]').first().waitFor()
    await byTestId(page, `reconsent-${RENEWED}`).waitFor()
  },
  /** The administrators' catalog screen, a material version being drafted with its preview. */
  async admin(page: Page, base: string) {
    await loginAgent(page, base, 'admin1')
    await byTestId(page, 'admin-open').click()
    await byTestId(page, 'admin-audit-row').first().waitFor()
    await byTestId(page, 'admin-new-version-marketing-sms').click()
    await byTestId(page, 'draft-material').check()
    await byTestId(page, 'draft-notice-en').fill('We may send you news and partner offers by SMS.')
    await byTestId(page, 'admin-preview').locator('[data-testid="reconsent-marketing-sms"]').waitFor()
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

  it('finds no serious or critical violation, and one <main>, on each page on a phone and a desktop, the catalog screen too', async () => {
    expect(DEMO_BUILT, 'apps/demo/dist is missing: run npm run build first').toBe(true)
    const current = await dashboards()
    // A first customer decision, so that the agent's audit trail has a row to scroll sideways.
    const { page: seed } = await current.person('seed', CUSTOMER_VIEWPORT)
    await loginCustomer(seed, current.server.httpUrl, 'C-0001')
    await byTestId(seed, 'toggle-marketing-sms').click()
    await byTestId(seed, `toggle-${RENEWED}`).click()
    await waitForAttribute(byTestId(seed, `purpose-${RENEWED}`), 'data-state', 'granted')
    await waitForAttribute(byTestId(seed, 'sync-status'), 'data-status', 'saved')
    // Then its notice changes materially: the pages show the change side by side, or flag it.
    const server = current.server
    const offers = DEFAULT_CATALOG.purposes.find((p) => p.id === RENEWED)
    if (!offers) throw new Error(`no ${RENEWED} in DEFAULT_CATALOG`)
    const published = await server.post(
      `/api/admin/purposes/${RENEWED}/versions`,
      {
        version: '2.0',
        material: true,
        title: offers.title,
        notice: { ...offers.notice, en: `${offers.notice.en} Partners may make you offers too.` },
      },
      await server.login('admin1'),
    )
    expect(published.status).toBe(201)

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
