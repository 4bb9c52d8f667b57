import { startIdentityProvider } from '@consent-sync/server/testing'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { seriousViolations } from './axe'
import { byTestId, CSR_VIEWPORT, loginAgent, openCustomer, screenshot, waitForAttribute } from './browser'
import { dashboardsPerTest, requireChromium } from './setup'

const hasChromium = requireChromium('the accounts tests')

const GOOD_PASSWORD = 'tea plantation sunrise'
/** The server closes a disabled account's connections at once; a loaded machine may take a moment. */
const SIGNED_OUT_WITHIN = 5_000

/** Signs a built-in account in at /csr/ with its own password, waiting for the search box. */
async function signInAt(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/csr/`)
  await byTestId(page, 'login-username').fill(username)
  await byTestId(page, 'login-password').fill(password)
  await byTestId(page, 'login-submit').click()
  await byTestId(page, 'customer-search').waitFor()
}

function toast(page: Page, text: string | RegExp) {
  return page.locator('[data-testid="toast"]').filter({ hasText: text })
}

describe.skipIf(!hasChromium)('accounts: administrators manage them, auditors read (Chromium)', () => {
  const dashboards = dashboardsPerTest()

  it('creates an agent (a weak password refused at its field), who signs in; disabling them signs their open record out', async () => {
    const current = await dashboards()
    const base = current.server.httpUrl
    // axe is injected as a script: the admin's page lets it past the CSP, as a11y.test.ts does.
    const { page: admin } = await current.person('admin', CSR_VIEWPORT, { bypassCSP: true })
    await loginAgent(admin, base, 'admin1')
    await byTestId(admin, 'accounts-open').click()
    await byTestId(admin, 'account-row-csr1').waitFor()
    expect(new URL(admin.url()).hash).toBe('#/admin/accounts')
    const log = byTestId(admin, 'admin-audit-row')

    // A weak password: the server's reason at the password field, nothing created, what was typed kept.
    await byTestId(admin, 'account-username').fill('agent.perera')
    await byTestId(admin, 'account-name').fill('Agent Perera')
    await byTestId(admin, 'account-password').fill('short')
    await byTestId(admin, 'account-create').click()
    const passwordError = byTestId(admin, 'account-password-error')
    await expect(passwordError.textContent()).resolves.toMatch(/at least 12 characters/)
    await waitForAttribute(byTestId(admin, 'account-password'), 'aria-invalid', 'true')
    await expect(byTestId(admin, 'account-username').inputValue()).resolves.toBe('agent.perera')
    expect(await byTestId(admin, 'account-row-agent.perera').count()).toBe(0)

    // A good one: the table, the log and a toast say so.
    await byTestId(admin, 'account-password').fill(GOOD_PASSWORD)
    await byTestId(admin, 'account-create').click()
    const row = byTestId(admin, 'account-row-agent.perera')
    await waitForAttribute(row, 'data-status', 'active')
    await expect(row.textContent()).resolves.toContain('Agent (CSR)')
    await toast(admin, 'Created account agent.perera').waitFor()
    await log.filter({ hasText: 'created account agent.perera (csr)' }).waitFor()
    expect(await passwordError.count()).toBe(0)
    await expect(byTestId(admin, 'account-username').inputValue()).resolves.toBe('')
    expect(await seriousViolations(admin)).toEqual([])
    await screenshot(admin, 'accounts-created')

    // The new agent signs in in a browser of their own and opens a record.
    const { page: agent } = await current.agent('agent')
    await signInAt(agent, base, 'agent.perera', GOOD_PASSWORD)
    await openCustomer(agent, 'C-0001')

    // Disabling asks first, saying what it does; then the agent's open record is signed out.
    await byTestId(admin, 'account-disable-agent.perera').click()
    const dialog = byTestId(admin, 'account-status-dialog')
    await expect(dialog.textContent()).resolves.toMatch(/every connection they have open closes at once/)
    expect(await seriousViolations(admin)).toEqual([])
    await screenshot(admin, 'accounts-disable-dialog', { fullPage: false })
    await byTestId(admin, 'account-status-confirm').click()
    await waitForAttribute(row, 'data-status', 'disabled')
    await toast(admin, 'Disabled agent.perera').waitFor()
    await log.filter({ hasText: 'disabled account agent.perera' }).waitFor()
    await expect(admin.evaluate(() => document.activeElement?.tagName)).resolves.not.toBe('DIALOG')

    // Either the record says so (4401 closed the sync) or, had a request come first, the sign-in page.
    const signedOut = agent.locator('[data-testid="signed-out"], [data-testid="login-notice"]')
    await signedOut.first().waitFor({ timeout: SIGNED_OUT_WITHIN })
    await expect(signedOut.first().textContent()).resolves.toMatch(/account was disabled/)
    await screenshot(agent, 'accounts-agent-signed-out', { fullPage: false })
    if (await byTestId(agent, 'sign-in-again').count()) await byTestId(agent, 'sign-in-again').click()
    await expect(byTestId(agent, 'login-notice').textContent()).resolves.toMatch(/Sign in again/)
    await byTestId(agent, 'login-username').fill('agent.perera')
    await byTestId(agent, 'login-password').fill(GOOD_PASSWORD)
    await byTestId(agent, 'login-submit').click()
    await byTestId(agent, 'login-error').waitFor()
    expect(await byTestId(agent, 'customer-search').count()).toBe(0)
  })

  it('lets an auditor read a record, its audit trail, the feed and the admin log, offering no decision', async () => {
    const current = await dashboards()
    const { server } = current
    const adminToken = await server.login('admin1')
    const created = await server.post(
      '/api/admin/users',
      { username: 'dpo.silva', role: 'auditor', name: 'Dilini Silva', password: GOOD_PASSWORD },
      adminToken,
    )
    expect(created.status).toBe(201)

    const { page: auditor } = await current.agent('auditor')
    await signInAt(auditor, server.httpUrl, 'dpo.silva', GOOD_PASSWORD)
    await expect(byTestId(auditor, 'user-role').textContent()).resolves.toContain('Auditor (read-only)')
    await openCustomer(auditor, 'C-0001')
    await byTestId(auditor, 'audit-table').waitFor()
    await byTestId(auditor, 'export-jsonl').waitFor()
    await byTestId(auditor, 'feed-status').waitFor()
    // No decision form, and every switch refuses.
    expect(await byTestId(auditor, 'channel-select').count()).toBe(0)
    const toggles = auditor.locator('[data-testid^="toggle-"]')
    expect(await toggles.count()).toBeGreaterThan(0)
    for (const toggle of await toggles.all()) expect(await toggle.isDisabled()).toBe(true)
    await screenshot(auditor, 'accounts-auditor-record')

    // The admin log, read-only: no drafting, retiring or accounts.
    expect(await byTestId(auditor, 'accounts-open').count()).toBe(0)
    expect(await byTestId(auditor, 'admin-open').count()).toBe(0)
    await byTestId(auditor, 'admin-log-open').click()
    await byTestId(auditor, 'admin-audit-row')
      .filter({ hasText: 'created account dpo.silva (auditor)' })
      .waitFor()
    expect(await byTestId(auditor, 'admin-new-purpose').count()).toBe(0)
    expect(await auditor.locator('[data-testid^="admin-retire-"]').count()).toBe(0)
    // An administrator's link to the accounts screen shows an auditor only the log.
    await auditor.evaluate(() => {
      location.hash = '#/admin/accounts'
    })
    await byTestId(auditor, 'admin-audit-row').first().waitFor()
    expect(await byTestId(auditor, 'accounts-screen').count()).toBe(0)
  })

  it("signs in with a token from the operator's identity provider handed over in the URL, and offers its sign-in page", async () => {
    const provider = await startIdentityProvider()
    try {
      await provider.addKey()
      const loginUrl = `${provider.issuer}/authorize`
      const current = await dashboards({ env: provider.env({ OIDC_LOGIN_URL: loginUrl }) })
      const base = current.server.httpUrl

      // The sign-in pages lead with the provider, the password form kept below.
      const { page: desk } = await current.agent('desk')
      await desk.goto(`${base}/csr/`)
      await expect(byTestId(desk, 'login-provider').getAttribute('href')).resolves.toBe(loginUrl)
      await expect(byTestId(desk, 'login-provider').textContent()).resolves.toBe(
        'Sign in with your organisation',
      )
      await byTestId(desk, 'login-username').waitFor()
      await screenshot(desk, 'accounts-csr-sign-in-provider', { fullPage: false })

      // An agent's token in the fragment: signed in, the token gone from the URL, the hash routes working.
      const agentToken = await provider.sign({
        sub: 'agent.fernando',
        name: 'Agent Fernando',
        groups: ['agents'],
      })
      // From the provider's page (another document), as its redirect arrives: not a same-page hash change.
      await desk.goto('about:blank')
      await desk.goto(`${base}/csr/#access_token=${agentToken}`)
      await byTestId(desk, 'customer-search').waitFor()
      expect(desk.url()).not.toContain('access_token')
      await expect(byTestId(desk, 'user-role').textContent()).resolves.toContain('Agent (CSR)')
      await openCustomer(desk, 'C-0001')
      expect(new URL(desk.url()).hash).toBe('#/customer/C-0001')

      // A customer's token is refused here, saying where customers go.
      const customerToken = await provider.sign({
        sub: 'C-0002',
        name: 'Kavindi',
        groups: ['telco-customers'],
        customerId: 'C-0002',
      })
      const { page: other } = await current.agent('other')
      await other.goto(`${base}/csr/#access_token=${customerToken}`)
      await expect(byTestId(other, 'login-notice').textContent()).resolves.toMatch(/customer dashboard/)
      expect(await byTestId(other, 'customer-search').count()).toBe(0)

      // The customer's page: the provider's link in their language, and their token signs them in.
      const { page: customer } = await current.customer()
      await customer.goto(`${base}/customer/`)
      await byTestId(customer, 'login-provider').waitFor()
      await customer.locator('.cw-login-lang select').selectOption('si')
      await expect(byTestId(customer, 'login-provider').textContent()).resolves.toContain('ගිණුමෙන් පිවිසෙන්න')
      await screenshot(customer, 'accounts-customer-sign-in-provider-si', { fullPage: false })
      await customer.goto('about:blank')
      await customer.goto(`${base}/customer/#access_token=${customerToken}`)
      await byTestId(customer, 'customer-name').waitFor()
      expect(customer.url()).not.toContain('access_token')
    } finally {
      await provider.close()
    }
  })
})
