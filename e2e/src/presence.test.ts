/**
 * The most common moment of the product's life, as real pages live it: an agent has a customer's
 * record open while the customer reloads the page and goes offline and back, with stock
 * y-websocket providers (which relay every presence update they receive) on the same record.
 * Steady-state health is checked, not only the end state: closes by code and connections per
 * page over 30 s afterwards, and presence on both pages.
 */
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
  type TestServer,
  until,
} from '@consent-sync/server/testing'
import type { BrowserContext, Page } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'
import {
  byTestId,
  CSR_VIEWPORT,
  CUSTOMER_VIEWPORT,
  loginAgent,
  loginCustomer,
  openCustomer,
  waitForAttribute,
} from './browser'
import { type Dashboards, requireChromium, setupDashboards } from './setup'

const hasChromium = requireChromium('the presence tests')
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

/** A person's page whose WebSockets are counted. */
async function person(dashboards: Dashboards, name: string, viewport: { width: number; height: number }) {
  const { context, page } = await dashboards.person(name, viewport)
  return { context, page, sockets: await watchSockets(context) }
}

/** The agent page lists the customer, and the customer page shows the agent. */
async function presenceRight(customer: Page, agent: Page): Promise<void> {
  await byTestId(customer, 'presence-csr1').waitFor()
  await waitForAttribute(byTestId(agent, 'presence-C-0001'), 'data-role', 'customer')
}

async function scenario(d: Dashboards, customerServer: TestServer, agentServer: TestServer, label: string) {
  const agent = await person(d, 'agent', CSR_VIEWPORT)
  const customer = await person(d, 'customer', CUSTOMER_VIEWPORT)
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
  await d.screenshots(`presence-${label}`)
}

describe.skipIf(!hasChromium)(
  'presence while the customer reloads and goes offline, an agent watching',
  () => {
    it('settles on one instance', async () => {
      const d = await setupDashboards()
      cleanups.push(() => d.cleanup())
      await scenario(d, d.server, d.server, 'one-instance')
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
        const d = await setupDashboards({ env })
        cleanups.push(() => d.cleanup())
        await scenario(d, d.server, await d.startServer({ env }), 'two-instances')
      },
      180_000,
    )
  },
)
