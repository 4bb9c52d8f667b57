import { decide } from '@consent-sync/consent-core'
import { stockClient, until } from '@consent-sync/server/testing'
import { describe, expect, it } from 'vitest'
import { seriousViolations } from './axe'
import { byTestId, CSR_VIEWPORT, loginAgent, openCustomer } from './browser'
import { dashboardsPerTest, requireChromium } from './setup'

const hasChromium = requireChromium('the "as of" audit view test')

/** Colombo keeps UTC+05:30 all year: the page's local time is this far ahead of UTC. */
const COLOMBO_MS = 5.5 * 3_600_000

/** An instant as a `datetime-local` value on a page in Colombo, to the second. */
const colomboInput = (ms: number) => new Date(ms + COLOMBO_MS).toISOString().slice(0, 19)

describe.skipIf(!hasChromium)('the audit view "as of" an instant (Chromium)', () => {
  const dashboards = dashboardsPerTest()

  it('shows the consents then and only the decisions received by then; Now goes back', async () => {
    const current = await dashboards()
    const { server } = current
    let asOf = 0
    const customer = stockClient(
      server.syncUrl,
      'C-0001',
      server.token({ id: 'C-0001', role: 'customer', customerId: 'C-0001' }),
    )
    try {
      await customer.synced()
      const actor = { id: 'C-0001', role: 'customer' } as const
      decide(customer.doc, {
        purposeId: 'marketing-sms',
        state: 'granted',
        actor,
        channel: 'web',
        noticeVersion: '1.0',
      })
      await until(
        async () => (await server.ctx.store.auditChain('C-0001')).length === 1,
        5000,
        'the grant stored',
      )
      const [granted] = await server.ctx.store.auditChain('C-0001')
      // The next whole second after the grant, and the withdrawal a second after that.
      asOf = Math.ceil((Date.parse(granted!.receivedAt) + 1) / 1000) * 1000
      await until(() => Date.now() > asOf + 1000, 3000, 'a second after the "as of" instant')
      decide(customer.doc, {
        purposeId: 'marketing-sms',
        state: 'withdrawn',
        actor,
        channel: 'web',
        noticeVersion: '1.0',
      })
      await until(
        async () => (await server.ctx.store.auditChain('C-0001')).length === 2,
        5000,
        'the withdrawal stored',
      )
    } finally {
      customer.destroy()
    }

    const { page } = await current.person('csr', CSR_VIEWPORT, {
      timezoneId: 'Asia/Colombo',
      // axe is injected as a script, which the CSP would refuse (as in a11y.test.ts).
      bypassCSP: true,
    })
    await loginAgent(page, server.httpUrl, 'csr1')
    await openCustomer(page, 'C-0001')
    const rows = byTestId(page, 'audit-row')
    await until(async () => (await rows.count()) === 2, 10_000, 'both audit entries shown')

    await page.getByLabel('As of (your local time)').fill(colomboInput(asOf))
    const sms = page.locator('[data-testid="as-of-row"][data-purpose="marketing-sms"]')
    await sms.waitFor()
    expect(await sms.getAttribute('data-state')).toBe('granted')
    expect(await sms.getAttribute('data-effective')).toBe('granted')
    await until(async () => (await rows.count()) === 1, 10_000, 'only the grant shown')
    expect(await rows.first().getAttribute('data-decision')).toBe('granted')
    // The instant the page asked for is the one typed, in Colombo's offset.
    expect(await byTestId(page, 'as-of-consents').locator('time').getAttribute('datetime')).toBe(
      new Date(asOf).toISOString(),
    )

    expect(await seriousViolations(page)).toEqual([])

    await page.getByRole('button', { name: 'Now' }).click()
    await byTestId(page, 'as-of-consents').waitFor({ state: 'detached' })
    await until(async () => (await rows.count()) === 2, 10_000, 'both audit entries shown again')
  })
})
