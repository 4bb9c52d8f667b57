import { rm } from 'node:fs/promises'
import { startTestServer, type TestServer } from '@consent-sync/server/testing'
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import {
  assertDashboardsBuilt,
  CHROMIUM_PATH,
  CSR_VIEWPORT,
  CUSTOMER_VIEWPORT,
  chromiumAvailable,
  launchChromium,
  openUserPage,
  screenshot,
} from './browser'

/** Whether the browser tests can run; in CI a missing Chromium fails the run instead of skipping. */
export function requireChromium(suite: string): boolean {
  const has = chromiumAvailable()
  if (!has && process.env.CI === 'true') {
    throw new Error(
      `${CHROMIUM_PATH} is missing: the end-to-end tests must run in CI (apt-get install chromium)`,
    )
  }
  if (!has) console.warn(`e2e: skipping ${suite}, ${CHROMIUM_PATH} is missing (apt-get install chromium)`)
  return has
}

/** One test's browser, people and servers; `cleanup` closes and removes all of it. */
export async function setupDashboards() {
  assertDashboardsBuilt()
  const browser: Browser = await launchChromium()
  const contexts: BrowserContext[] = []
  const servers: TestServer[] = []
  const dirs = new Set<string>()
  const pages = new Map<string, Page>()
  const server = await startTestServer()
  servers.push(server)
  dirs.add(server.dir)

  const person = async (
    name: string,
    viewport: { width: number; height: number },
    options?: BrowserContextOptions,
  ) => {
    const opened = await openUserPage(browser, viewport, options)
    contexts.push(opened.context)
    pages.set(name, opened.page)
    return opened
  }

  return {
    server,
    browser,
    /** A person at a viewport of their own, e.g. the customer's page on a desktop. */
    person,
    customer: () => person('customer', CUSTOMER_VIEWPORT),
    agent: (name = 'csr') => person(name, CSR_VIEWPORT),
    /** Stops `server` (keeping its SQLite file) and starts another on the same directory and port. */
    async restart(): Promise<TestServer> {
      await server.cleanup(true)
      const next = await startTestServer({ dir: server.dir, port: server.port })
      servers.push(next)
      return next
    },
    /** A screenshot of every page of this test, `<scenario>-<person>.png`. */
    async screenshots(scenario: string): Promise<string[]> {
      return Promise.all([...pages].map(([name, page]) => screenshot(page, `${scenario}-${name}`)))
    },
    async cleanup() {
      await Promise.allSettled(contexts.map((c) => c.close()))
      await browser.close()
      // The first server may already be closed (restart); closing twice is harmless.
      await Promise.allSettled(servers.map((s) => s.cleanup()))
      await Promise.all([...dirs].map((d) => rm(d, { recursive: true, force: true })))
    },
  }
}

export type Dashboards = Awaited<ReturnType<typeof setupDashboards>>
