import { rm } from 'node:fs/promises'
import { startTestServer, type TestServer, type TestServerOptions } from '@consent-sync/server/testing'
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import { afterEach } from 'vitest'
import {
  assertDashboardsBuilt,
  CHROMIUM_PATH,
  CSR_VIEWPORT,
  CUSTOMER_VIEWPORT,
  chromiumAvailable,
  launchChromium,
  loginAgent,
  loginCustomer,
  openCustomer,
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
export async function setupDashboards(options: TestServerOptions = {}) {
  assertDashboardsBuilt()
  const browser: Browser = await launchChromium()
  const contexts: BrowserContext[] = []
  const servers: TestServer[] = []
  const dirs = new Set<string>()
  const pages = new Map<string, Page>()
  const startServer = async (serverOptions: TestServerOptions) => {
    const started = await startTestServer(serverOptions)
    servers.push(started)
    dirs.add(started.dir)
    return started
  }
  const server = await startServer(options)

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

  const customer = () => person('customer', CUSTOMER_VIEWPORT)
  const agent = (name = 'csr') => person(name, CSR_VIEWPORT)

  return {
    server,
    browser,
    /** A person at a viewport of their own, e.g. the customer's page on a desktop. */
    person,
    customer,
    agent,
    /**
     * Where most tests begin: customer C-0001 signed in at /customer/, and agent csr1 at /csr/ with
     * C-0001's record open, both in sync.
     */
    async customerAndAgent() {
      const [c, a] = [await customer(), await agent()]
      await loginCustomer(c.page, server.httpUrl, 'C-0001')
      await loginAgent(a.page, server.httpUrl, 'csr1')
      await openCustomer(a.page, 'C-0001')
      return { customer: c.page, agent: a.page, customerContext: c.context, agentContext: a.context }
    },
    /** Another server (a second instance, say), closed and removed with the rest. */
    startServer: (serverOptions: TestServerOptions = {}) => startServer(serverOptions),
    /** Stops `server` (keeping its SQLite file) and starts another on the same directory and port. */
    async restart(): Promise<TestServer> {
      await server.cleanup(true)
      return startServer({ ...options, dir: server.dir, port: server.port })
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

/**
 * Each test of the describe block it is called in gets its dashboards from the function it returns;
 * after the test they are cleaned up, with a screenshot of every page first when the test failed
 * (`failed-<test name>.png`).
 */
export function dashboardsPerTest(): (options?: TestServerOptions) => Promise<Dashboards> {
  let current: Dashboards | undefined
  afterEach(async (ctx) => {
    if (current && ctx.task.result?.state === 'fail') {
      await current.screenshots(`failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => {})
    }
    await current?.cleanup()
    current = undefined
  })
  return async (options) => {
    current = await setupDashboards(options)
    return current
  }
}
