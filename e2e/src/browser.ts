import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { DEMO_PASSWORD } from '@consent-sync/server'
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Locator,
  type Page,
} from 'playwright-core'

/** Debian's Chromium: playwright-core ships no browser of its own. */
export const CHROMIUM_PATH = '/usr/bin/chromium'
export const CUSTOMER_VIEWPORT = { width: 390, height: 844 } as const
export const CSR_VIEWPORT = { width: 1280, height: 800 } as const
export const OUTPUT_DIR = path.resolve(import.meta.dirname, '../test-output')
const REPO_ROOT = path.resolve(import.meta.dirname, '../..')

/** Waits in the steps below; generous because the suite may share a loaded CI machine. */
const STEP_TIMEOUT = 15_000

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH)
}

/** Throws (rather than skipping) when a dashboard was not built: the pages would be a 404. */
export function assertDashboardsBuilt(): void {
  for (const app of ['customer-web', 'csr-web']) {
    const index = path.join(REPO_ROOT, 'apps', app, 'dist', 'index.html')
    if (!existsSync(index)) {
      throw new Error(`apps/${app}/dist is missing: run npm run build first (or npm test, which builds it)`)
    }
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  })
}

/** A fresh context (own storage, IndexedDB, service workers) for one person, and its page. */
export async function openUserPage(
  browser: Browser,
  viewport: { width: number; height: number },
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...options, viewport })
  context.setDefaultTimeout(STEP_TIMEOUT)
  const page = await context.newPage()
  return { context, page }
}

export function byTestId(page: Page, id: string): Locator {
  return page.locator(`[data-testid="${id}"]`)
}

/** A purpose row in one state (optionally also with `data-conflicted`), as a CSS attribute selector. */
export function purposeRow(
  page: Page,
  purposeId: string,
  state: 'granted' | 'withdrawn',
  conflicted?: boolean,
): Locator {
  const conflict = conflicted === undefined ? '' : `[data-conflicted="${conflicted}"]`
  return page.locator(`[data-testid="purpose-${purposeId}"][data-state="${state}"]${conflict}`)
}

/**
 * Waits for an element to carry an attribute value; on timeout the error says what it had instead,
 * so a failing run tells the reader more than "timeout".
 */
export async function waitForAttribute(
  locator: Locator,
  name: string,
  value: string,
  timeout = STEP_TIMEOUT,
): Promise<void> {
  try {
    await locator.and(locator.page().locator(`[${name}="${value}"]`)).waitFor({ state: 'attached', timeout })
  } catch (err) {
    const actual = await locator
      .first()
      .getAttribute(name, { timeout: 500 })
      .catch(() => '(element missing)')
    const where = new URL(locator.page().url()).pathname
    throw new Error(
      `${where}: ${locator} did not get ${name}="${value}" within ${timeout} ms; it has ${actual}`,
      {
        cause: err,
      },
    )
  }
}

async function signIn(page: Page, url: string, username: string, ready: string): Promise<void> {
  await page.goto(url)
  await byTestId(page, 'login-username').fill(username)
  await byTestId(page, 'login-password').fill(DEMO_PASSWORD)
  await byTestId(page, 'login-submit').click()
  await byTestId(page, ready).waitFor()
}

/** Signs a customer in at /customer/ and waits until their purposes are saved with the server. */
export async function loginCustomer(page: Page, base: string, customerId: string): Promise<void> {
  await signIn(page, `${base}/customer/`, customerId, 'customer-name')
  await waitForAttribute(byTestId(page, 'sync-status'), 'data-status', 'saved')
}

/** Signs an agent in at /csr/. */
export async function loginAgent(page: Page, base: string, username: string): Promise<void> {
  await signIn(page, `${base}/csr/`, username, 'customer-search')
}

/** Finds a customer through the search box, opens the record, and waits until it is in sync. */
export async function openCustomer(page: Page, customerId: string): Promise<void> {
  await byTestId(page, 'customer-search').fill(customerId)
  await byTestId(page, `customer-result-${customerId}`).click()
  await waitForAttribute(byTestId(page, 'sync-status'), 'data-status', 'saved')
}

export interface OnBehalf {
  channel: 'phone' | 'store'
  evidence: string
  /** Also toggles this purpose once the form is filled. */
  purposeId?: string
}

/** Fills the agent's decision form (channel and evidence) and, given a purpose, toggles it. */
export async function recordOnBehalf(page: Page, input: OnBehalf): Promise<void> {
  await byTestId(page, 'channel-select').selectOption(input.channel)
  await byTestId(page, 'evidence-input').fill(input.evidence)
  if (input.purposeId !== undefined) await byTestId(page, `toggle-${input.purposeId}`).click()
}

/**
 * A PNG in e2e/test-output/ (gitignored), for a person to look at: the full page, or with
 * `{ fullPage: false }` the viewport as the person sees it.
 */
export async function screenshot(page: Page, name: string, { fullPage = true } = {}): Promise<string> {
  await mkdir(OUTPUT_DIR, { recursive: true })
  const file = path.join(OUTPUT_DIR, `${name}.png`)
  // The dashboards scroll inside their frame (AppFrame), not the document: for the full page, the
  // viewport grows by what the frame hides for the picture (its scroll position is lost).
  const viewport = page.viewportSize()
  const hidden = fullPage
    ? await page.evaluate(() => {
        const content = document.querySelector('[data-testid="frame-content"]')
        return content ? content.scrollHeight - content.clientHeight : 0
      })
    : 0
  if (viewport && hidden > 0) await page.setViewportSize({ ...viewport, height: viewport.height + hidden })
  await page.screenshot({ path: file, fullPage })
  if (viewport && hidden > 0) await page.setViewportSize(viewport)
  return file
}

/** A toast telling of someone else's change (docs/ui-contract.md), optionally only one with `text`. */
export function changeNotice(page: Page, text?: string | RegExp): Locator {
  const notices = page.locator('[data-testid="toast"][data-kind="change"]')
  return text === undefined ? notices : notices.filter({ hasText: text })
}

export interface Box {
  x: number
  y: number
  width: number
  height: number
}

/** The element's box in the viewport; throws when it is not rendered. */
export async function boxOf(locator: Locator): Promise<Box> {
  const box = await locator.boundingBox()
  if (!box) throw new Error(`${locator} has no box: not rendered`)
  return box
}

/** Whether two boxes share any area (touching edges do not count). */
export function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}

export interface RenderedFont {
  familyName: string
  isCustomFont: boolean
  glyphCount: number
}

/**
 * The fonts Chromium drew an element's text with (DevTools' "Rendered fonts"): whether a web font
 * really drew the glyphs, not only that it was loaded.
 */
export async function renderedFonts(page: Page, selector: string): Promise<RenderedFont[]> {
  const cdp = await page.context().newCDPSession(page)
  try {
    await cdp.send('DOM.enable')
    await cdp.send('CSS.enable')
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 })
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector })
    if (!nodeId) throw new Error(`no element ${selector}`)
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId })
    return fonts.map(({ familyName, isCustomFont, glyphCount }) => ({ familyName, isCustomFont, glyphCount }))
  } finally {
    await cdp.detach()
  }
}
