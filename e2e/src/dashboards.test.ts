import { DEFAULT_CATALOG } from '@consent-sync/consent-core'
import { CSR_1, type TestServer } from '@consent-sync/server/testing'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { byTestId, loginCustomer, purposeRow, recordOnBehalf, waitForAttribute } from './browser'
import { dashboardsPerTest, requireChromium } from './setup'

const hasChromium = requireChromium('the dashboard tests')

const PURPOSE_IDS = DEFAULT_CATALOG.purposes.map((p) => p.id)
const SMS = 'marketing-sms'
const EMAIL = 'marketing-email'
const OFFERS = 'personalised-offers'

function noticeOf(purposeId: string, lang: 'en' | 'si' | 'ta'): string {
  const purpose = DEFAULT_CATALOG.purposes.find((p) => p.id === purposeId)
  if (!purpose) throw new Error(`no purpose ${purposeId} in DEFAULT_CATALOG`)
  return purpose.notice[lang]
}

interface ServerPurpose {
  purposeId: string
  state: 'granted' | 'withdrawn'
  conflicted: boolean
  decidedBy: { id: string; role: string } | null
  channel: string | null
}

/** What the server itself holds (its own fold of the durable decisions), read as an agent. */
async function serverConsents(server: TestServer, customerId: string): Promise<Map<string, ServerPurpose>> {
  const res = await fetch(`${server.httpUrl}/api/customers/${customerId}/consents`, {
    headers: { authorization: `Bearer ${server.token(CSR_1)}` },
  })
  if (!res.ok) throw new Error(`GET consents: HTTP ${res.status}`)
  const body = (await res.json()) as { purposes: ServerPurpose[] }
  return new Map(body.purposes.map((p) => [p.purposeId, p]))
}

/** Every purpose row's `data-state` and `data-conflicted` on a page, in catalog order. */
async function rowStates(page: Page): Promise<string[]> {
  return Promise.all(
    PURPOSE_IDS.map(async (id) => {
      const row = byTestId(page, `purpose-${id}`)
      return `${id}=${await row.getAttribute('data-state')}/${await row.getAttribute('data-conflicted')}`
    }),
  )
}

/** The customer grants a purpose, and the agent's open record shows it. */
async function customerGrants(customer: Page, agent: Page, purposeId: string): Promise<void> {
  await byTestId(customer, `toggle-${purposeId}`).click()
  await purposeRow(agent, purposeId, 'granted').waitFor()
}

describe.skipIf(!hasChromium)('dashboards in Chromium against a real server', () => {
  const dashboards = dashboardsPerTest()

  it("shows a customer's grant on the agent's open record within a second, and in the live feed", async () => {
    const current = await dashboards()
    const { customer, agent } = await current.customerAndAgent()
    await waitForAttribute(byTestId(agent, `purpose-${SMS}`), 'data-state', 'withdrawn')

    const clickedAt = Date.now()
    await byTestId(customer, `toggle-${SMS}`).click()
    await purposeRow(agent, SMS, 'granted').waitFor({
      timeout: Math.max(1, 1_000 - (Date.now() - clickedAt)),
    })

    await agent
      .locator(
        `[data-testid="feed-item"][data-customer="C-0001"][data-purpose="${SMS}"][data-state="granted"]`,
      )
      .waitFor()
    await waitForAttribute(byTestId(customer, 'sync-status'), 'data-status', 'saved')
    expect((await serverConsents(current.server, 'C-0001')).get(SMS)?.state).toBe('granted')
    await current.screenshots('1-grant')
  })

  it('records a phone withdrawal by an agent only with evidence, and the customer sees who made it', async () => {
    const current = await dashboards()
    const { customer, agent } = await current.customerAndAgent()
    // A grant first, so the agent has something to withdraw.
    await customerGrants(customer, agent, OFFERS)
    const historyBefore = await byTestId(agent, 'history-row').count()

    // Evidence empty: an error, and nothing recorded anywhere.
    await recordOnBehalf(agent, { channel: 'phone', evidence: '', purposeId: OFFERS })
    await byTestId(agent, 'decision-form-error').waitFor({ state: 'visible' })
    await waitForAttribute(byTestId(agent, `purpose-${OFFERS}`), 'data-state', 'granted')
    expect(await byTestId(agent, 'history-row').count()).toBe(historyBefore)
    expect((await serverConsents(current.server, 'C-0001')).get(OFFERS)).toMatchObject({
      state: 'granted',
      decidedBy: { id: 'C-0001' },
    })
    // Nothing of this device waits to be saved (the customer's grant came from the server: durable).
    await waitForAttribute(byTestId(agent, 'pending-count'), 'data-pending', '0')

    await recordOnBehalf(agent, {
      channel: 'phone',
      evidence: 'Call #4471: customer asked to stop personalised offers',
      purposeId: OFFERS,
    })
    await byTestId(agent, 'decision-form-error').waitFor({ state: 'detached' })
    await purposeRow(customer, OFFERS, 'withdrawn', false).waitFor()
    const decidedBy = (await byTestId(customer, `decided-by-${OFFERS}`).textContent()) ?? ''
    expect(decidedBy).toMatch(/csr1|Agent One/)
    expect(decidedBy).toMatch(/phone/i)
    await waitForAttribute(byTestId(agent, 'sync-status'), 'data-status', 'saved')
    expect((await serverConsents(current.server, 'C-0001')).get(OFFERS)).toMatchObject({
      state: 'withdrawn',
      channel: 'phone',
      decidedBy: { id: 'csr1', role: 'csr' },
    })
    await current.screenshots('2-phone-withdrawal')
  })

  it('keeps offline changes across an offline reload, then converges with a concurrent agent decision', async () => {
    const current = await dashboards()
    const { customer, agent, customerContext } = await current.customerAndAgent()

    await customerContext.setOffline(true)
    await byTestId(customer, `toggle-${SMS}`).click()
    await byTestId(customer, `toggle-${EMAIL}`).click()
    await waitForAttribute(byTestId(customer, 'pending-count'), 'data-pending', '2')

    // Offline the page can only come back from the service worker's app shell and IndexedDB.
    await customer.reload()
    await purposeRow(customer, SMS, 'granted').waitFor()
    await purposeRow(customer, EMAIL, 'granted').waitFor()
    await waitForAttribute(byTestId(customer, 'pending-count'), 'data-pending', '2')
    await waitForAttribute(byTestId(customer, 'sync-status'), 'data-status', 'offline')

    // Meanwhile the agent records a withdrawal of SMS by phone, not having seen the customer's grant.
    // A toggle flips what the agent sees (withdrawn), so the agent's grant comes first: the customer
    // on the phone changed their mind. Its withdrawal supersedes only the agent's own grant.
    await recordOnBehalf(agent, { channel: 'phone', evidence: 'Call #5102: customer asked for SMS offers' })
    await byTestId(agent, `toggle-${SMS}`).click()
    await purposeRow(agent, SMS, 'granted').waitFor()
    await recordOnBehalf(agent, { channel: 'phone', evidence: 'Call #5102: changed mind, no SMS after all' })
    await byTestId(agent, `toggle-${SMS}`).click()
    await purposeRow(agent, SMS, 'withdrawn', false).waitFor()
    await waitForAttribute(byTestId(agent, 'sync-status'), 'data-status', 'saved')
    // Seconds later, still cut off: the badge must say so, not "connecting" (docs/ui-contract.md).
    expect(await byTestId(customer, 'sync-status').getAttribute('data-status')).toBe('offline')
    expect(await byTestId(customer, 'pending-count').getAttribute('data-pending')).toBe('2')

    await customerContext.setOffline(false)
    for (const page of [customer, agent]) {
      await purposeRow(page, SMS, 'withdrawn', true).waitFor()
      await byTestId(page, `conflict-${SMS}`).waitFor({ state: 'visible' })
      await purposeRow(page, EMAIL, 'granted', false).waitFor()
    }
    await waitForAttribute(byTestId(customer, 'pending-count'), 'data-pending', '0')
    await waitForAttribute(byTestId(customer, 'sync-status'), 'data-status', 'saved')
    expect(await rowStates(customer)).toEqual(await rowStates(agent))
    // The conflict note names both competing decisions.
    const note = (await byTestId(agent, `conflict-${SMS}`).textContent()) ?? ''
    expect(note).toMatch(/C-0001|customer/i)
    expect(note).toMatch(/phone/i)

    const held = await serverConsents(current.server, 'C-0001')
    expect(held.get(SMS)).toMatchObject({ state: 'withdrawn', conflicted: true })
    expect(held.get(EMAIL)).toMatchObject({ state: 'granted', conflicted: false })
    await current.screenshots('3-offline-conflict')
  })

  it('reconnects both pages after a server restart, delivering a change made during the outage', async () => {
    const current = await dashboards()
    const { customer, agent } = await current.customerAndAgent()
    // Made before the restart: must survive it.
    await customerGrants(customer, agent, OFFERS)
    await waitForAttribute(byTestId(customer, 'sync-status'), 'data-status', 'saved')

    await current.server.cleanup(true)
    const down = '[data-testid="sync-status"]:not([data-status="saved"])'
    await customer.locator(down).waitFor()
    await agent.locator(down).waitFor()
    await byTestId(customer, `toggle-${EMAIL}`).click()
    await waitForAttribute(byTestId(customer, 'pending-count'), 'data-pending', '1')

    const restarted = await current.restart()
    for (const page of [customer, agent]) {
      await waitForAttribute(byTestId(page, 'sync-status'), 'data-status', 'saved', 30_000)
    }
    await purposeRow(agent, EMAIL, 'granted').waitFor()
    await waitForAttribute(byTestId(customer, 'pending-count'), 'data-pending', '0')
    for (const page of [customer, agent]) {
      await purposeRow(page, OFFERS, 'granted', false).waitFor()
    }
    expect(await rowStates(customer)).toEqual(await rowStates(agent))
    // The agent's live feed was down too: it is replayed what was decided meanwhile.
    await agent
      .locator(
        `[data-testid="feed-item"][data-customer="C-0001"][data-purpose="${EMAIL}"][data-state="granted"]`,
      )
      .waitFor({ timeout: 15_000 })
    const held = await serverConsents(restarted, 'C-0001')
    expect(held.get(OFFERS)?.state).toBe('granted')
    expect(held.get(EMAIL)?.state).toBe('granted')
    await current.screenshots('4-restart')
  })

  it('switches the notices to Sinhala and Tamil, and keeps the choice across a reload', async () => {
    const current = await dashboards()
    const { page: customer } = await current.customer()
    await loginCustomer(customer, current.server.httpUrl, 'C-0001')
    const notice = byTestId(customer, `notice-${SMS}`)
    expect(await notice.textContent()).toBe(noticeOf(SMS, 'en'))

    await byTestId(customer, 'language-select').selectOption('si')
    await customer.getByText(noticeOf(SMS, 'si'), { exact: true }).waitFor()
    expect(await notice.textContent()).toBe(noticeOf(SMS, 'si'))

    await byTestId(customer, 'language-select').selectOption('ta')
    await customer.getByText(noticeOf(SMS, 'ta'), { exact: true }).waitFor()
    expect(await notice.textContent()).toBe(noticeOf(SMS, 'ta'))

    await customer.reload()
    await notice.waitFor()
    expect(await notice.textContent()).toBe(noticeOf(SMS, 'ta'))
    expect(await byTestId(customer, 'language-select').inputValue()).toBe('ta')
    await current.screenshots('5-language')
  })
})
