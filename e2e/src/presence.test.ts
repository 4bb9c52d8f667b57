/**
 * The most common moment of the product's life, as real pages live it: an agent has a customer's
 * record open while the customer reloads the page and goes offline and back, with stock
 * y-websocket providers (which relay every presence update they receive) on the same record.
 * Steady-state health is checked, not only the end state: closes by code and connections per
 * page over 30 s afterwards, and presence on both pages.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { CloseCode } from '@consent-sync/protocol'
import {
  CUSTOMER_1,
  dropSchema,
  freshSchema,
  POSTGRES_URL,
  type PresenceProbe,
  presenceProbe,
  REDIS_URL,
  scaleOutServices,
  startTestServer,
  type TestServer,
  until,
} from '@consent-sync/server/testing'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'
import {
  assertDashboardsBuilt,
  byTestId,
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
  waitForAttribute,
} from './browser'

const hasChromium = chromiumAvailable()
if (!hasChromium && process.env.CI === 'true')
  throw new Error(`${CHROMIUM_PATH} is missing: CI must run the browser tests`)
if (!hasChromium) console.warn(`e2e: skipping the presence tests, ${CHROMIUM_PATH} is missing`)
const services = await scaleOutServices()
if (!services.ok) console.warn(`e2e: skipping the cross-instance presence test: ${services.why}`)

/** Longer than two of a stock provider's 15 s presence renewals. */
const WATCH_MS = 30_000
const CYCLES = 5

interface SocketLog {
  opened: number
  closes: { code: number; reason: string }[]
}

/** Counts a page's WebSocket connections and their close codes, across reloads. */
async function watchSockets(context: BrowserContext): Promise<SocketLog> {
  const log: SocketLog = { opened: 0, closes: [] }
  await context.exposeBinding(
    '__socketEvent',
    (_source, event: { kind: string; code?: number; reason?: string }) => {
      if (event.kind === 'open') log.opened++
      else log.closes.push({ code: event.code ?? 0, reason: event.reason ?? '' })
    },
  )
  await context.addInitScript(() => {
    const report = (window as unknown as { __socketEvent: (e: object) => void }).__socketEvent
    const Native = window.WebSocket
    class Counted extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols)
        this.addEventListener('open', () => report({ kind: 'open' }))
        this.addEventListener('close', (e) => report({ kind: 'close', code: e.code, reason: e.reason }))
      }
    }
    window.WebSocket = Counted
  })
  return log
}

const cleanups: (() => Promise<unknown> | unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function person(browser: Browser, viewport: { width: number; height: number }) {
  const { context, page } = await openUserPage(browser, viewport)
  cleanups.push(() => context.close())
  return { context, page, sockets: await watchSockets(context) }
}

/** The agent page lists the customer, and the customer page shows the agent. */
async function presenceRight(customer: Page, agent: Page): Promise<void> {
  await byTestId(customer, 'presence-csr1').waitFor()
  await waitForAttribute(byTestId(agent, 'presence-C-0001'), 'data-role', 'customer')
}

async function scenario(customerServer: TestServer, agentServer: TestServer, label: string) {
  assertDashboardsBuilt()
  const browser = await launchChromium()
  cleanups.push(() => browser.close())
  const agent = await person(browser, CSR_VIEWPORT)
  const customer = await person(browser, CUSTOMER_VIEWPORT)
  await loginAgent(agent.page, agentServer.httpUrl, 'csr1')
  await openCustomer(agent.page, 'C-0001')
  await loginCustomer(customer.page, customerServer.httpUrl, 'C-0001')
  // Three stock providers on the same record, beside the customer's page.
  const stock: PresenceProbe[] = [0, 1, 2].map(() => {
    const p = presenceProbe(customerServer.syncUrl, 'C-0001', customerServer.token(CUSTOMER_1), CUSTOMER_1)
    cleanups.push(() => p.destroy())
    return p
  })
  for (const p of stock) await p.synced()
  await presenceRight(customer.page, agent.page)

  for (let i = 0; i < CYCLES; i++) {
    await customer.page.reload()
    await waitForAttribute(byTestId(customer.page, 'sync-status'), 'data-status', 'saved')
    await presenceRight(customer.page, agent.page)
  }
  for (let i = 0; i < CYCLES; i++) {
    await customer.context.setOffline(true)
    await waitForAttribute(byTestId(customer.page, 'sync-status'), 'data-status', 'offline')
    await customer.context.setOffline(false)
    await waitForAttribute(byTestId(customer.page, 'sync-status'), 'data-status', 'saved')
    await presenceRight(customer.page, agent.page)
  }

  // One connection per page to begin with, plus at most one per reload and per cycle.
  expect(customer.sockets.opened).toBeLessThanOrEqual(1 + 2 * CYCLES)
  expect(agent.sockets.opened).toBe(1)
  const settled = { customer: customer.sockets.opened, agent: agent.sockets.opened }
  const closesSettled = customer.sockets.closes.length + agent.sockets.closes.length
  await new Promise((r) => setTimeout(r, WATCH_MS))

  const closes = [...customer.sockets.closes, ...agent.sockets.closes, ...stock.flatMap((p) => p.closes)]
  expect(closes.filter((c) => c.code === CloseCode.RateLimited)).toEqual([])
  expect({ customer: customer.sockets.opened, agent: agent.sockets.opened }).toEqual(settled)
  expect(customer.sockets.closes.length + agent.sockets.closes.length).toBe(closesSettled)
  expect(stock.map((p) => p.opened)).toEqual([1, 1, 1])
  // Presence right on both pages: the customer is online and sees the agent, the agent sees the customer.
  await waitForAttribute(byTestId(customer.page, 'sync-status'), 'data-status', 'saved')
  await waitForAttribute(byTestId(agent.page, 'sync-status'), 'data-status', 'saved')
  await presenceRight(customer.page, agent.page)
  await until(
    () =>
      stock.every((p) => [...p.provider.awareness.getStates().values()].some((s) => s.user?.id === 'csr1')),
    5000,
    'stock providers see the agent',
  )
  await screenshot(customer.page, `presence-${label}-customer`)
  await screenshot(agent.page, `presence-${label}-agent`)
}

describe.skipIf(!hasChromium)(
  'presence while the customer reloads and goes offline, an agent watching',
  () => {
    it('settles on one instance', async () => {
      const server = await startTestServer()
      cleanups.push(() => server.cleanup())
      await scenario(server, server, 'one-instance')
    }, 180_000)

    it.skipIf(!services.ok)(
      'settles with the customer and the agent on different instances',
      async () => {
        const schema = freshSchema('cs_e2e_presence')
        const env = {
          STORE: 'postgres',
          DATABASE_URL: POSTGRES_URL,
          DATABASE_SCHEMA: schema,
          REDIS_URL,
          REDIS_CHANNEL: `consent-sync:e2e:${schema}`,
        }
        cleanups.push(() => dropSchema(schema))
        const dirs = await Promise.all([0, 1].map(() => mkdtemp(path.join(tmpdir(), 'consent-sync-e2e-'))))
        cleanups.push(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))))
        const a = await startTestServer({ env, dir: dirs[0] as string })
        cleanups.push(() => a.cleanup())
        const b = await startTestServer({ env, dir: dirs[1] as string })
        cleanups.push(() => b.cleanup())
        await scenario(a, b, 'two-instances')
      },
      180_000,
    )
  },
)
