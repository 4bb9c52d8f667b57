import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { DEFAULT_CATALOG } from '@consent-sync/consent-core'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'
import {
  CSR_VIEWPORT,
  launchChromium,
  OUTPUT_DIR,
  openUserPage,
  screenshot,
  waitForAttribute,
} from './browser'
import { requireChromium } from './setup'

const hasChromium = requireChromium('the demo tests')

const DEMO_DIR = path.resolve(import.meta.dirname, '../../apps/demo')
const DIST = path.join(DEMO_DIR, 'dist')
const PURPOSE_IDS = DEFAULT_CATALOG.purposes.map((p) => p.id)
const SMS = 'marketing-sms'
const EMAIL = 'marketing-email'
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
}

/** The demo is one static page: build it when this checkout has not yet. */
function ensureBuilt(): void {
  if (existsSync(path.join(DIST, 'index.html'))) return
  execFileSync('npx', ['vite', 'build', '--configLoader', 'runner'], { cwd: DEMO_DIR, stdio: 'inherit' })
}

/** A tiny static host serving apps/demo/dist under /demo/ (any path works: the build is relative). */
async function serveDist(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    if (!pathname.startsWith('/demo/')) {
      res.writeHead(404).end()
      return
    }
    const rel = pathname.slice('/demo/'.length) || 'index.html'
    const file = path.resolve(DIST, rel)
    if (!file.startsWith(DIST + path.sep) || !(await stat(file).catch(() => null))?.isFile()) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' })
    res.end(await readFile(file))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/demo/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

async function setup() {
  ensureBuilt()
  const host = await serveDist()
  const browser: Browser = await launchChromium()
  const { context, page } = await openUserPage(browser, CSR_VIEWPORT)
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(err.message))
  // No network beyond the page's own files: the demo must never ask for anything else.
  const requests: string[] = []
  page.on('request', (r) => {
    if (!r.url().startsWith(host.url)) requests.push(r.url())
  })
  return {
    page,
    context,
    url: host.url,
    errors,
    requests,
    customer: page.locator('[data-testid="customer-panel"]'),
    agent: page.locator('[data-testid="agent-panel"]'),
    async cleanup() {
      await context.close().catch(() => {})
      await browser.close()
      await host.close()
    },
  }
}

const inPanel = (panel: Locator, id: string) => panel.locator(`[data-testid="${id}"]`)

/** Every purpose row's state and conflict flag in one panel, in catalog order. */
async function rowStates(panel: Locator): Promise<string[]> {
  return Promise.all(
    PURPOSE_IDS.map(async (id) => {
      const row = inPanel(panel, `purpose-${id}`)
      return `${id}=${await row.getAttribute('data-state')}/${await row.getAttribute('data-conflicted')}`
    }),
  )
}

/** Waits for the chain status to say exactly `text`. */
async function chainStatus(page: Page, text: string): Promise<void> {
  const status = page.locator('[data-testid="chain-status"]')
  await status.filter({ hasText: text }).waitFor()
  expect(await status.textContent()).toBe(text)
}

async function waitReady(page: Page): Promise<void> {
  await page.locator('[data-testid="demo-page"][data-ready="true"]').waitFor()
}

describe.skipIf(!hasChromium)('the offline demo page in Chromium', () => {
  let current: Awaited<ReturnType<typeof setup>> | undefined

  afterEach(async (ctx) => {
    if (current && ctx.task.result?.state === 'fail')
      await screenshot(current.page, 'failed-demo').catch(() => {})
    await current?.cleanup()
    current = undefined
  })

  it('walks the script: live update, offline edits, conflict on both sides, convergence, audit chain, languages, a new notice', async () => {
    current = await setup()
    const { page, customer, agent, url } = current
    await page.goto(url)
    await waitReady(page)
    await expect(page.locator('[data-testid="demo-offline-note"]').textContent()).resolves.toMatch(
      /no server, no network/,
    )

    // A fresh start, whatever an earlier run left in this profile.
    await page.locator('[data-testid="reset-demo"]').click()
    await page.locator('[data-testid="reset-confirm"]').click()
    await page.locator('[data-testid="reset-demo"]').waitFor()
    await waitReady(page)
    await chainStatus(page, 'Chain verified: 0 entries')
    await expect(
      page.locator('[data-testid="demo-steps"] [data-testid^="demo-step-"]').count(),
    ).resolves.toBe(7)

    // Step 1: the customer grants SMS; the agent sees it, and each sees the other present.
    await inPanel(customer, `toggle-${SMS}`).click()
    await waitForAttribute(inPanel(agent, `purpose-${SMS}`), 'data-state', 'granted')
    await inPanel(agent, 'presence-C-0001').waitFor()
    await inPanel(customer, 'agent-viewing').waitFor()
    await waitForAttribute(inPanel(customer, 'sync-status'), 'data-status', 'saved')

    // Step 2: the customer goes offline and changes three things; the agent records a phone withdrawal.
    await inPanel(customer, 'offline-customer').click()
    await waitForAttribute(inPanel(customer, 'offline-customer'), 'aria-checked', 'true')
    await waitForAttribute(inPanel(customer, 'sync-status'), 'data-status', 'offline')
    await inPanel(customer, `toggle-${SMS}`).click()
    await inPanel(customer, `toggle-${EMAIL}`).click()
    await inPanel(customer, `toggle-${SMS}`).click()
    await waitForAttribute(inPanel(customer, 'pending-count'), 'data-pending', '3')
    await expect(inPanel(agent, 'presence-C-0001').count()).resolves.toBe(0)
    // Without channel and evidence the agent's toggle records nothing.
    await inPanel(agent, `toggle-${SMS}`).click()
    await inPanel(agent, 'decision-form-error').waitFor()
    await waitForAttribute(inPanel(agent, `purpose-${SMS}`), 'data-state', 'granted')
    await inPanel(agent, 'channel-select').selectOption('phone')
    await inPanel(agent, 'evidence-input').fill('Call 14:02: Nimal asked us to stop SMS offers')
    await inPanel(agent, `toggle-${SMS}`).click()
    await waitForAttribute(inPanel(agent, `purpose-${SMS}`), 'data-state', 'withdrawn')
    await waitForAttribute(inPanel(customer, `purpose-${SMS}`), 'data-state', 'granted')
    await waitForAttribute(inPanel(agent, `purpose-${EMAIL}`), 'data-state', 'withdrawn')

    // Step 3: back online, both converge; the concurrent SMS decisions fold to withdrawn, conflicted.
    await inPanel(customer, 'offline-customer').click()
    for (const panel of [customer, agent]) {
      await waitForAttribute(inPanel(panel, `purpose-${SMS}`), 'data-state', 'withdrawn')
      await waitForAttribute(inPanel(panel, `purpose-${SMS}`), 'data-conflicted', 'true')
      await inPanel(panel, `conflict-${SMS}`).waitFor({ state: 'visible' })
      await waitForAttribute(inPanel(panel, `purpose-${EMAIL}`), 'data-state', 'granted')
      await waitForAttribute(inPanel(panel, 'sync-status'), 'data-status', 'saved')
      await waitForAttribute(inPanel(panel, 'pending-count'), 'data-pending', '0')
    }
    expect(await rowStates(customer)).toEqual(await rowStates(agent))
    const conflictText = (await inPanel(customer, `conflict-${SMS}`).textContent()) ?? ''
    expect(conflictText).toMatch(/phone/)
    expect(conflictText).toMatch(/Dilani/)
    await page.evaluate(() => window.scrollTo(0, 0))
    const conflictShot = await shot(page, 'demo-conflict')

    // Step 4 ("Do it for me"): the customer decides again; the conflict clears on both sides.
    await page.locator('[data-testid="demo-run-4"]').click()
    for (const panel of [customer, agent]) {
      await waitForAttribute(inPanel(panel, `purpose-${SMS}`), 'data-conflicted', 'false')
      await waitForAttribute(inPanel(panel, `purpose-${SMS}`), 'data-state', 'granted')
    }
    expect(await rowStates(customer)).toEqual(await rowStates(agent))
    // A second click brings about the same outcome: it does not withdraw what the step grants.
    const afterStep4 = await rowStates(customer)
    await page.locator('[data-testid="demo-run-4"]').click()
    await nextFrame(page)
    expect(await rowStates(customer)).toEqual(afterStep4)
    expect(await rowStates(agent)).toEqual(afterStep4)

    // Step 5: one audit entry per decision (1 + 3 + 1 + 1), the chain verified in the page.
    await page.locator('[data-testid="demo-run-5"]').click()
    await chainStatus(page, 'Chain verified: 6 entries')
    const actors = await page
      .locator('[data-testid="audit-row"]')
      .evaluateAll((rows) =>
        rows.map((r) => `${r.getAttribute('data-actor')}:${r.getAttribute('data-conflicted')}`),
      )
    expect(actors.filter((a) => a.startsWith('C-0001'))).toHaveLength(5)
    expect(actors.filter((a) => a.startsWith('csr1'))).toHaveLength(1)
    expect(actors.some((a) => a.endsWith(':true'))).toBe(true)
    // The lift's re-grant met the agent's withdrawal: granted was decided, withdrawn resulted.
    const regrant = page.locator(
      `[data-testid="audit-row"][data-purpose="${SMS}"][data-decision="granted"][data-conflicted="true"]`,
    )
    await expect(regrant.count()).resolves.toBe(1)
    await expect(regrant.locator('[data-testid="audit-decision"]').textContent()).resolves.toBe('granted')
    const change = regrant.locator('[data-testid="audit-change"] .cs-chip')
    await expect(change.allTextContents()).resolves.toEqual(['withdrawn', 'withdrawn'])

    // Step 6: Sinhala for the customer, Tamil for the agent.
    await page.locator('[data-testid="demo-run-6"]').click()
    await waitForAttribute(inPanel(customer, `notice-${SMS}`), 'lang', 'si')
    const sms = DEFAULT_CATALOG.purposes.find((p) => p.id === SMS)
    await expect(inPanel(customer, 'language-select').inputValue()).resolves.toBe('si')
    await expect(inPanel(agent, 'language-select').inputValue()).resolves.toBe('ta')
    await expect(inPanel(customer, `notice-${SMS}`).textContent()).resolves.toBe(sms?.notice.si)
    await expect(inPanel(agent, `notice-${SMS}`).textContent()).resolves.toBe(sms?.notice.ta)

    // A reload keeps everything: the documents, the chain, the languages.
    const before = await rowStates(agent)
    await page.reload()
    await waitReady(page)
    await waitForAttribute(inPanel(agent, `purpose-${SMS}`), 'data-state', 'granted')
    expect(await rowStates(customer)).toEqual(before)
    expect(await rowStates(agent)).toEqual(before)
    await chainStatus(page, 'Chain verified: 6 entries')
    await expect(inPanel(customer, 'language-select').inputValue()).resolves.toBe('si')
    await screenshot(page, 'demo')

    // With the network cut, the page still reloads (service-worker app shell) with everything kept.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready
    })
    await current.context.setOffline(true)
    await page.reload()
    await waitReady(page)
    expect(await rowStates(agent)).toEqual(before)
    await current.context.setOffline(false)

    // Step 7: a material version of the SMS notice; both sides see it at once, no reload.
    await page.locator('[data-testid="demo-run-7"]').click()
    const prompt = inPanel(customer, `reconsent-${SMS}`)
    await prompt.waitFor()
    await expect(prompt.getAttribute('lang')).resolves.toBe('si')
    await inPanel(customer, `notice-diff-${SMS}`).locator('ins').first().waitFor()
    await inPanel(agent, `reconsent-${SMS}`).waitFor()
    await screenshot(page, 'demo-new-notice')
    // One click agrees to the new text: a decision under version 2.0, in the chain.
    await inPanel(customer, `renew-${SMS}`).click()
    await prompt.waitFor({ state: 'detached' })
    await inPanel(agent, `reconsent-${SMS}`).waitFor({ state: 'detached' })
    await chainStatus(page, 'Chain verified: 7 entries')
    await page
      .locator(`[data-testid="audit-row"][data-purpose="${SMS}"][data-seq="7"]`)
      .filter({ hasText: '2.0' })
      .waitFor()

    expect(current.errors).toEqual([])
    expect(current.requests).toEqual([])
    // The picture for docs/demo.png: the viewport right after the conflict step.
    expect(conflictShot.endsWith('demo-conflict.png')).toBe(true)
  })

  it('brings about each step\'s outcome with "Do it for me", and a second click changes nothing more', async () => {
    current = await setup()
    const { page, customer, agent, url } = current
    await page.goto(url)
    await waitReady(page)
    await page.locator('[data-testid="reset-demo"]').click()
    await page.locator('[data-testid="reset-confirm"]').click()
    await page.locator('[data-testid="reset-demo"]').waitFor()
    await waitReady(page)

    /** What a step may change: both sides' rows, the customer's waiting changes and link, the chain. */
    const everything = async () => ({
      customer: await rowStates(customer),
      agent: await rowStates(agent),
      pending: await inPanel(customer, 'pending-count').getAttribute('data-pending'),
      offline: await inPanel(customer, 'offline-customer').getAttribute('aria-checked'),
      chain: await page.locator('[data-testid="chain-status"]').textContent(),
      languages: [
        await inPanel(customer, 'language-select').inputValue(),
        await inPanel(agent, 'language-select').inputValue(),
      ],
    })
    /** What each step says it brings about, checked after its first click. */
    const outcomes: Record<number, () => Promise<void>> = {
      1: () => waitForAttribute(inPanel(agent, `purpose-${SMS}`), 'data-state', 'granted'),
      2: async () => {
        await waitForAttribute(inPanel(customer, 'pending-count'), 'data-pending', '3')
        await waitForAttribute(inPanel(agent, `purpose-${SMS}`), 'data-state', 'withdrawn')
      },
      3: async () => {
        for (const panel of [customer, agent])
          await waitForAttribute(inPanel(panel, `purpose-${SMS}`), 'data-conflicted', 'true')
      },
      4: async () => {
        for (const panel of [customer, agent]) {
          await waitForAttribute(inPanel(panel, `purpose-${SMS}`), 'data-conflicted', 'false')
          await waitForAttribute(inPanel(panel, `purpose-${SMS}`), 'data-state', 'granted')
        }
      },
      5: () => chainStatus(page, 'Chain verified: 6 entries'),
      6: () => waitForAttribute(inPanel(agent, `notice-${SMS}`), 'lang', 'ta'),
      7: async () => {
        for (const panel of [customer, agent]) await inPanel(panel, `reconsent-${SMS}`).waitFor()
      },
    }
    for (const [step, outcome] of Object.entries(outcomes)) {
      const run = page.locator(`[data-testid="demo-run-${step}"]`)
      await run.click()
      await outcome()
      const once = await everything()
      await run.click()
      await nextFrame(page)
      expect(await everything(), `step ${step} clicked twice`).toEqual(once)
    }
    await chainStatus(page, 'Chain verified: 6 entries')
    expect(current.errors).toEqual([])
  })
})

/** Resolves once the page has drawn a frame: what a click changed is on screen by then. */
function nextFrame(page: Page): Promise<void> {
  return page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => resolve())))
}

/** The viewport only (1280×800), as docs/demo.png shows it. */
async function shot(page: Page, name: string): Promise<string> {
  const file = path.join(OUTPUT_DIR, `${name}.png`)
  await page.screenshot({ path: file })
  return file
}
