import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DEMO_PASSWORD } from '@consent-sync/server'
import {
  type IdentityProvider,
  runCli,
  startChildServer,
  startIdentityProvider,
} from '@consent-sync/server/testing'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  assertDashboardsBuilt,
  byTestId,
  CSR_VIEWPORT,
  CUSTOMER_VIEWPORT,
  launchChromium,
  openCustomer,
  openUserPage,
  purposeRow,
  recordOnBehalf,
  screenshot,
  waitForAttribute,
} from './browser'
import { requireChromium } from './setup'

const hasChromium = requireChromium('the production-mode test')

const FIXTURES = path.resolve(import.meta.dirname, '../../apps/server/fixtures')
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'an-operator-secret-of-well-over-thirty-two-characters',
  // A test-only Ed25519 key: production signs consent receipts with the operator's own.
  RECEIPT_SIGNING_KEY:
    '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJAhsHCu9F5zpOyBbDlOmIi7aiOyvnP6ex/+NoHW1sb4\n-----END PRIVATE KEY-----\n',
  LOG_LEVEL: 'warn',
}
const AGENT_PASSWORD = 'kandy-perahera-elephant'

/** The operator's CRM extract: the customers the legacy export names, and one more. */
const CUSTOMERS_CSV = [
  'id,name,phone,email,accountNumber',
  'C-0001,Nimal Perera,+94 77 123 4567,nimal.perera@example.lk,ACC-100001',
  'C-0002,Kavindi Jayasinghe,+94 71 234 5678,,ACC-100002',
  'C-0003,Tharindu Fernando,+94 76 345 6789,,ACC-100003',
  'C-0004,Priya Rajaratnam,+94 75 456 7890,,ACC-100004',
  'C-0005,Mohamed Rizwan,+94 70 567 8901,,ACC-100005',
  'C-0006,Sanduni Weerasinghe,+94 72 678 9012,,ACC-100006',
  'C-0007,Ruwan Bandara,+94 78 789 0123,,ACC-100007',
  'C-0008,Fathima Nazeer,+94 74 890 1234,,ACC-100008',
  'C-0009,"Silva, Ashan",0771112223,,ACC-100009',
].join('\n')

describe.runIf(hasChromium)('production mode, end to end', () => {
  let dir: string
  let db: string
  let idp: IdentityProvider
  let browser: Browser
  const cli = async (args: string[], input?: string) => {
    const result = await runCli(args, db, PRODUCTION, 60_000, input)
    if (result.code !== 0)
      throw new Error(`consent-sync ${args.join(' ')} exited ${result.code}: ${result.stderr}`)
    return result
  }

  beforeAll(async () => {
    assertDashboardsBuilt()
    dir = await mkdtemp(path.join(tmpdir(), 'consent-sync-production-'))
    db = path.join(dir, 'consent.db')
    idp = await startIdentityProvider()
    await idp.addKey('RS256')
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await idp?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('imports, migrates, signs people in with provider tokens and built-in accounts, and has no demo accounts', async () => {
    // The operator's steps, as the README gives them, on a fresh production store.
    await cli(['catalog', 'import', path.join(FIXTURES, 'catalog.jsonl')])
    const csv = path.join(dir, 'customers.csv')
    await writeFile(csv, CUSTOMERS_CSV)
    const imported = await cli(['customers', 'import', csv])
    expect(imported.stdout).toMatch(/9 inserted/)
    const migrated = await cli([
      'migrate-legacy',
      '--consents',
      path.join(FIXTURES, 'legacy/consents.jsonl'),
      '--audit',
      path.join(FIXTURES, 'legacy/audit.jsonl'),
      '--purpose-map',
      path.join(FIXTURES, 'legacy/purpose-map.json'),
    ])
    expect(migrated.stdout).toMatch(/decisions/)
    await cli(
      ['users', 'add', 'agent.silva', '--role', 'csr', '--name', 'Ashan Silva', '--password-stdin'],
      AGENT_PASSWORD,
    )

    const server = await startChildServer(db, { ...PRODUCTION, ...idp.env() })
    try {
      // No demo account exists: csr1 with the demo password is refused, and no demo user is listed.
      const demoLogin = await fetch(`${server.httpUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'csr1', password: DEMO_PASSWORD }),
      })
      expect(demoLogin.status).toBe(401)
      const methods = (await (await fetch(`${server.httpUrl}/api/auth/methods`)).json()) as { demo: boolean }
      expect(methods.demo).toBe(false)
      const users = await cli(['users', 'list', '--json'])
      expect(
        users.stdout
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { username: string }).username),
      ).toEqual(['agent.silva'])

      // The customer arrives from the operator's app with a provider token in the URL fragment.
      const customer = await openUserPage(browser, CUSTOMER_VIEWPORT)
      const customerToken = await idp.sign({
        sub: 'app-user-8812',
        groups: ['telco-customers'],
        customerId: 'C-0001',
        name: 'Nimal Perera',
      })
      await customer.page.goto(`${server.httpUrl}/customer/#access_token=${customerToken}`)
      await byTestId(customer.page, 'customer-name').waitFor()
      await waitForAttribute(byTestId(customer.page, 'sync-status'), 'data-status', 'saved')
      // The token left the address bar at once.
      expect(new URL(customer.page.url()).hash).toBe('')
      // The history migrated from the old system, marked as such.
      const migratedRows = customer.page.locator('[data-testid="history-row"][data-provenance="migrated"]')
      await migratedRows.first().waitFor()
      expect(await migratedRows.count()).toBeGreaterThan(0)

      // An agent signs in through the provider's single sign-on and records a phone decision.
      const agent = await openUserPage(browser, CSR_VIEWPORT)
      const agentToken = await idp.sign({
        sub: 'staff-0193',
        groups: ['agents'],
        name: 'Dilani Wickramasinghe',
      })
      await agent.page.goto(`${server.httpUrl}/csr/#access_token=${agentToken}`)
      await byTestId(agent.page, 'customer-search').waitFor()
      await openCustomer(agent.page, 'C-0001')
      const smsGranted = await agent.page
        .locator('[data-testid="purpose-marketing-sms"]')
        .getAttribute('data-state')
      const next = smsGranted === 'granted' ? 'withdrawn' : 'granted'
      await recordOnBehalf(agent.page, {
        channel: 'phone',
        evidence: 'call ref 5521',
        purposeId: 'marketing-sms',
      })
      await purposeRow(customer.page, 'marketing-sms', next).waitFor()
      await screenshot(customer.page, 'production-customer')
      await screenshot(agent.page, 'production-agent')

      // The built-in agent account made on the command line signs in with its password.
      const builtIn = await openUserPage(browser, CSR_VIEWPORT)
      await builtIn.page.goto(`${server.httpUrl}/csr/`)
      await byTestId(builtIn.page, 'login-username').fill('agent.silva')
      await byTestId(builtIn.page, 'login-password').fill(AGENT_PASSWORD)
      await byTestId(builtIn.page, 'login-submit').click()
      await byTestId(builtIn.page, 'customer-search').waitFor()

      // The audit trail names the provider's agent, and every chain verifies.
      const audit = (await (
        await fetch(`${server.httpUrl}/api/audit?customerId=C-0001&limit=500`, {
          headers: { authorization: `Bearer ${agentToken}` },
        })
      ).json()) as { entries: { actorId: string; channel: string }[] }
      expect(audit.entries.some((e) => e.actorId === 'staff-0193' && e.channel === 'phone')).toBe(true)
      expect(audit.entries.some((e) => e.channel === 'import')).toBe(true)
    } finally {
      await server.stop('SIGTERM')
    }
    const verified = await cli(['verify'])
    expect(verified.stdout).toMatch(/^OK: /)
  })
})
