import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { until } from '@consent-sync/server/testing'
import type { Page } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'
import { seriousViolations } from './axe'
import { byTestId, CSR_VIEWPORT, loginAgent, loginCustomer, screenshot } from './browser'
import { dashboardsPerTest, requireChromium } from './setup'

const hasChromium = requireChromium('the webhooks tests')

const SMS = 'marketing-sms'
const AUDITOR_PASSWORD = 'tea plantation sunrise'
/** Loopback targets allowed, three quick attempts (0 s, 1 s, 1 s), a short poll: a dead letter in seconds. */
const WEBHOOK_ENV = {
  WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  WEBHOOK_RETRY_SCHEDULE: '0,1,1',
  WEBHOOK_POLL_INTERVAL_MS: '50',
  WEBHOOK_TIMEOUT_MS: '2000',
}

interface Received {
  id: string
  timestamp: string
  signature: string
  body: string
}

const receivers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of receivers.splice(0)) await close()
})

/** A real receiver on loopback (node:http): records every POST, answers with `status()` at the time. */
async function startReceiver() {
  const received: Received[] = []
  const state = { status: 204 }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({
        id: String(req.headers['webhook-id'] ?? ''),
        timestamp: String(req.headers['webhook-timestamp'] ?? ''),
        signature: String(req.headers['webhook-signature'] ?? ''),
        body: Buffer.concat(chunks).toString('utf8'),
      })
      res.writeHead(state.status).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  receivers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  return { url: `http://127.0.0.1:${port}/hooks/consent`, received, state }
}

/** Standard Webhooks: some `v1,` signature is the HMAC-SHA256 of `id.timestamp.body` keyed by the secret's bytes. */
function signedBy(secret: string, hook: Received): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  const expected = createHmac('sha256', key).update(`${hook.id}.${hook.timestamp}.${hook.body}`).digest()
  return hook.signature.split(' ').some((s) => {
    const [version, mac] = s.split(',')
    const got = Buffer.from(mac ?? '', 'base64')
    return version === 'v1' && got.length === expected.length && timingSafeEqual(got, expected)
  })
}

function toast(page: Page, text: string | RegExp) {
  return page.locator('[data-testid="toast"]').filter({ hasText: text })
}

/** The admin registers `url` on the webhooks screen; answers the secret read from the dialog. */
async function register(admin: Page, url: string): Promise<string> {
  await byTestId(admin, 'webhook-url').fill(url)
  await byTestId(admin, 'webhook-create').click()
  const secret = (await byTestId(admin, 'webhook-secret').textContent()) ?? ''
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/)
  return secret
}

/** The endpoint's row id, from the one row of `url`. */
async function endpointRow(admin: Page, url: string) {
  const row = admin.locator('[data-testid^="webhook-row-"]').filter({ hasText: url })
  await row.waitFor()
  return row
}

describe.skipIf(!hasChromium)(
  'webhooks: administrators register endpoints and watch deliveries (Chromium)',
  () => {
    const dashboards = dashboardsPerTest()

    it("shows the secret once, and a customer's decision arrives signed with it and shows as delivered", async () => {
      const receiver = await startReceiver()
      const current = await dashboards({ env: WEBHOOK_ENV })
      const base = current.server.httpUrl
      const { page: admin, context } = await current.person('admin', CSR_VIEWPORT, { bypassCSP: true })
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base })
      await loginAgent(admin, base, 'admin1')
      await byTestId(admin, 'webhooks-open').click()
      await byTestId(admin, 'webhooks-table').waitFor()
      expect(new URL(admin.url()).hash).toBe('#/admin/webhooks')

      // A private address the server does not allow: its reason at the URL field, nothing registered.
      await byTestId(admin, 'webhook-url').fill('http://10.20.30.40/hooks')
      await byTestId(admin, 'webhook-create').click()
      await byTestId(admin, 'webhook-url-error').waitFor()
      await expect(byTestId(admin, 'webhook-url').getAttribute('aria-invalid')).resolves.toBe('true')
      expect(await admin.locator('[data-testid^="webhook-row-"]').count()).toBe(0)

      const secret = await register(admin, receiver.url)
      const dialog = byTestId(admin, 'webhook-secret-dialog')
      await expect(dialog.textContent()).resolves.toContain('You will not see it again.')
      await screenshot(admin, 'webhooks-1-secret', { fullPage: false })
      await byTestId(admin, 'webhook-secret-copy').click()
      await byTestId(admin, 'webhook-copy-status').filter({ hasText: 'Copied to the clipboard.' }).waitFor()
      const copied = await admin.evaluate(() => navigator.clipboard.readText())
      expect(copied).toBe(secret)
      await byTestId(admin, 'webhook-secret-close').click()
      await dialog.waitFor({ state: 'detached' })
      // Shown once: the page no longer holds it anywhere.
      expect(await admin.content()).not.toContain(secret)
      const row = await endpointRow(admin, receiver.url)
      await expect(row.getAttribute('data-status')).resolves.toBe('enabled')

      // A customer decides; the receiver gets it, signed with the secret the admin copied.
      const { page: customer } = await current.customer()
      await loginCustomer(customer, base, 'C-0001')
      await byTestId(customer, `toggle-${SMS}`).click()
      await until(() => receiver.received.length >= 1, 10_000)
      const hook = receiver.received[0] as Received
      expect(signedBy(copied, hook)).toBe(true)
      expect(signedBy(`whsec_${Buffer.from('another secret entirely!').toString('base64')}`, hook)).toBe(
        false,
      )
      const event = JSON.parse(hook.body) as {
        type: string
        id: string
        data: { customerId: string; purposeId: string }
      }
      expect(event).toMatchObject({
        type: 'decision.accepted',
        id: hook.id,
        data: { customerId: 'C-0001', purposeId: SMS },
      })

      // The deliveries view shows it delivered, with one attempt.
      await row.locator('[data-testid="webhook-deliveries-open"]').click()
      await byTestId(admin, 'deliveries-tab-delivered').click()
      const delivered = byTestId(admin, `delivery-row-${hook.id}`)
      await delivered.waitFor()
      await expect(delivered.getAttribute('data-status')).resolves.toBe('delivered')
      await expect(delivered.locator('[data-testid="delivery-attempts"]').textContent()).resolves.toBe('1')

      expect(await seriousViolations(admin)).toEqual([])
      await screenshot(admin, 'webhooks-2-delivered')

      // Rotating asks first, then shows the new secret once and says the old one keeps signing.
      await row.locator('[data-testid="webhook-rotate"]').click()
      await byTestId(admin, 'webhook-rotate-dialog-confirm').click()
      await byTestId(admin, 'webhook-overlap').waitFor()
      const rotated = (await byTestId(admin, 'webhook-secret').textContent()) ?? ''
      expect(rotated).toMatch(/^whsec_/)
      expect(rotated).not.toBe(secret)
      await screenshot(admin, 'webhooks-5-rotated', { fullPage: false })
      expect(await seriousViolations(admin)).toEqual([])
      await byTestId(admin, 'webhook-secret-close').click()
      await toast(admin, 'Rotated the signing secret.').waitFor()

      // Disabling says so in the row.
      await row.locator('[data-testid="webhook-toggle"]').click()
      await until(async () => (await row.getAttribute('data-status')) === 'disabled', 5_000)
      await expect(row.locator('[data-testid="webhook-status"]').textContent()).resolves.toBe(
        'Disabled by an administrator',
      )
    })

    it('a receiver answering 500 ends dead after the short schedule; Replay delivers it once it recovers', async () => {
      const receiver = await startReceiver()
      receiver.state.status = 500
      const current = await dashboards({ env: WEBHOOK_ENV })
      const base = current.server.httpUrl
      const { page: admin } = await current.person('admin', CSR_VIEWPORT, { bypassCSP: true })
      await loginAgent(admin, base, 'admin1')
      await byTestId(admin, 'webhooks-open').click()
      const secret = await register(admin, receiver.url)
      await byTestId(admin, 'webhook-secret-close').click()
      const row = await endpointRow(admin, receiver.url)

      const { page: customer } = await current.customer()
      await loginCustomer(customer, base, 'C-0001')
      await byTestId(customer, `toggle-${SMS}`).click()

      await row.locator('[data-testid="webhook-deliveries-open"]').click()
      await byTestId(admin, 'deliveries-tab-dead').click()
      // Three attempts at 0 s, 1 s and 1 s more, each answered 500: then dead (the view looks again itself).
      const dead = admin.locator('[data-testid^="delivery-row-"][data-status="dead"]')
      await dead.waitFor({ timeout: 15_000 })
      const eventId = ((await dead.getAttribute('data-testid')) ?? '').replace('delivery-row-', '')
      expect(receiver.received.filter((h) => h.id === eventId)).toHaveLength(3)
      await expect(dead.locator('[data-testid="delivery-attempts"]').textContent()).resolves.toBe('3')
      await expect(dead.locator('[data-testid="delivery-last"]').textContent()).resolves.toContain('500')
      expect(await seriousViolations(admin)).toEqual([])
      await screenshot(admin, 'webhooks-3-dead')

      receiver.state.status = 200
      await dead.locator('[data-testid="delivery-replay"]').click()
      await toast(admin, `Sending ${eventId} again.`).waitFor()
      await until(() => receiver.received.length === 4, 10_000)
      const replayed = receiver.received[3] as Received
      // The same webhook-id, so a receiver that dropped repeats by id still can.
      expect(replayed.id).toBe(eventId)
      expect(signedBy(secret, replayed)).toBe(true)
      await byTestId(admin, 'deliveries-tab-delivered').click()
      await admin.locator(`[data-testid="delivery-row-${eventId}"][data-status="delivered"]`).waitFor()
      await screenshot(admin, 'webhooks-4-replayed')

      // "Replay since…" a few minutes ago, in the browser's local time: the event is sent once more.
      const earlier = new Date(Date.now() - 5 * 60_000)
      const two = (n: number) => String(n).padStart(2, '0')
      const local = `${earlier.getFullYear()}-${two(earlier.getMonth() + 1)}-${two(earlier.getDate())}T${two(earlier.getHours())}:${two(earlier.getMinutes())}`
      await byTestId(admin, 'replay-since-input').fill(local)
      await byTestId(admin, 'replay-since').click()
      await toast(admin, 'Sending 1 event again.').waitFor()
      await until(() => receiver.received.length === 5, 10_000)
      expect(receiver.received[4]?.id).toBe(eventId)

      // An auditor reads the endpoint and its deliveries, and is offered no change.
      const { server } = current
      const made = await server.post(
        '/api/admin/users',
        { username: 'dpo.silva', role: 'auditor', name: 'Dilini Silva', password: AUDITOR_PASSWORD },
        await server.login('admin1'),
      )
      expect(made.status).toBe(201)
      const { page: auditor } = await current.agent('auditor')
      await auditor.goto(`${base}/csr/`)
      await byTestId(auditor, 'login-username').fill('dpo.silva')
      await byTestId(auditor, 'login-password').fill(AUDITOR_PASSWORD)
      await byTestId(auditor, 'login-submit').click()
      await byTestId(auditor, 'webhooks-open').click()
      const seen = await endpointRow(auditor, receiver.url)
      expect(await byTestId(auditor, 'webhook-url').count()).toBe(0)
      expect(
        await seen.locator('[data-testid="webhook-delete"], [data-testid="webhook-rotate"]').count(),
      ).toBe(0)
      await seen.locator('[data-testid="webhook-deliveries-open"]').click()
      await byTestId(auditor, 'deliveries-tab-delivered').click()
      await auditor.locator(`[data-testid="delivery-row-${eventId}"][data-status="delivered"]`).waitFor()
      expect(await byTestId(auditor, 'delivery-replay').count()).toBe(0)
      expect(await byTestId(auditor, 'replay-since').count()).toBe(0)
    })
  },
)
