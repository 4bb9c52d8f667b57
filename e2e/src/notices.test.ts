import { DEFAULT_CATALOG, type Language } from '@consent-sync/consent-core'
import type { Locator, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import {
  boxOf,
  byTestId,
  changeNotice,
  loginAgent,
  openCustomer,
  overlap,
  purposeRow,
  recordOnBehalf,
  renderedFonts,
  screenshot,
  waitForAttribute,
} from './browser'
import { dashboardsPerTest, requireChromium } from './setup'

const hasChromium = requireChromium('the change-notice tests')

const SMS = 'marketing-sms'
const EMAIL = 'marketing-email'
const OFFERS = 'personalised-offers'
/** "Within a few seconds" of the decision, on a loaded machine. */
const NOTICE_TIMEOUT = 5_000

function titleOf(purposeId: string, lang: Language = 'en'): string {
  const purpose = DEFAULT_CATALOG.purposes.find((p) => p.id === purposeId)
  if (!purpose) throw new Error(`no purpose ${purposeId} in DEFAULT_CATALOG`)
  return purpose.title[lang]
}

/**
 * The notice covers none of `targets`, whichever way each is scrolled into view (at the bottom edge,
 * where a toast over the content used to sit, and at the top), and stays inside the viewport.
 */
async function expectUncovered(page: Page, notice: Locator, targets: Locator[]): Promise<void> {
  const viewport = page.viewportSize()
  if (!viewport) throw new Error('the page has no viewport')
  for (const target of targets) {
    for (const block of ['end', 'start'] as const) {
      await target.evaluate((el, b) => el.scrollIntoView({ block: b }), block)
      const [n, t] = [await boxOf(notice), await boxOf(target)]
      expect(overlap(n, t), `${notice} over ${target} scrolled to its ${block}`).toBe(false)
      expect(n.y).toBeGreaterThanOrEqual(0)
      expect(n.y + n.height).toBeLessThanOrEqual(viewport.height)
    }
  }
  // Nothing that scrolls can be under the strip: it sits below the scrolling content, and the
  // document itself does not scroll (else the whole frame would move under the fingers).
  const content = await boxOf(byTestId(page, 'frame-content'))
  expect(content.y + content.height).toBeLessThanOrEqual((await boxOf(notice)).y)
  const documentHeight = await page.evaluate(() => document.documentElement.scrollHeight)
  expect(documentHeight).toBeLessThanOrEqual(viewport.height)
}

describe.skipIf(!hasChromium)("notices of someone else's change, in Chromium against a real server", () => {
  const dashboards = dashboardsPerTest()

  it("tells the customer of an agent's decision, naming the agent and the purpose, covering nothing", async () => {
    const current = await dashboards()
    const { customer, agent, customerContext } = await current.customerAndAgent()
    // The agent's name comes from presence.
    await byTestId(customer, 'presence-csr1').waitFor()

    // A conflict on SMS, so that its explanation is on the page: the customer grants in a lift while
    // the agent records, by phone, a grant and then a withdrawal.
    await customerContext.setOffline(true)
    await waitForAttribute(byTestId(customer, 'sync-status'), 'data-status', 'offline')
    await byTestId(customer, `toggle-${SMS}`).click()
    await recordOnBehalf(agent, { channel: 'phone', evidence: 'Call #5102: SMS offers yes', purposeId: SMS })
    await purposeRow(agent, SMS, 'granted').waitFor()
    await recordOnBehalf(agent, {
      channel: 'phone',
      evidence: 'Call #5102: no SMS after all',
      purposeId: SMS,
    })
    await purposeRow(agent, SMS, 'withdrawn', false).waitFor()
    expect(await changeNotice(customer).count()).toBe(0)
    await customerContext.setOffline(false)
    await purposeRow(customer, SMS, 'withdrawn', true).waitFor()
    // Caught up after a reconnect while the page stayed open: news. The withdrawal left the conflict,
    // so its notice is an alert.
    const urgent = (page: Page, who: string) =>
      page
        .locator('[data-testid="toast"][data-kind="change"][role="alert"]')
        .filter({ hasText: titleOf(SMS) })
        .filter({ hasText: who })
    await urgent(customer, 'Customer service (Dilani Wickramasinghe, csr1)').waitFor({
      timeout: NOTICE_TIMEOUT,
    })
    // The agent hears of the customer's grant from the lift, which left the conflict too.
    await urgent(agent, 'Customer Nimal Perera (C-0001)').waitFor({ timeout: NOTICE_TIMEOUT })

    // In Sinhala, the agent records a phone grant of e-mail offers.
    await byTestId(customer, 'language-select').selectOption('si')
    await recordOnBehalf(agent, {
      channel: 'phone',
      evidence: 'Call #5107: e-mail offers welcome',
      purposeId: EMAIL,
    })
    const notice = changeNotice(customer, titleOf(EMAIL, 'si'))
    await notice.waitFor({ timeout: NOTICE_TIMEOUT })
    expect(await notice.getAttribute('role')).toBe('status')
    expect(await notice.getAttribute('lang')).toBe('si')
    const text = (await notice.textContent()) ?? ''
    expect(text).toContain('Dilani Wickramasinghe, csr1')
    expect(text).toContain('පාරිභෝගික සේවාව')
    expect(text).toContain('දුරකථනයෙන්')
    expect(text).toContain('එකඟයි')
    expect(await notice.evaluate((el) => el.closest('[aria-live]') !== null)).toBe(true)
    // The conflict's bold title is drawn with the shipped font once loaded: behind system-ui in the
    // font stack, Chromium kept a bold text drawn while its face loaded in empty boxes.
    await customer.waitForFunction(() =>
      [...document.fonts].some(
        (f) => f.family.includes('Sinhala') && f.weight === '700' && f.status === 'loaded',
      ),
    )
    expect(
      await renderedFonts(customer, `[data-testid="conflict-${SMS}"] .cs-conflict-title`),
    ).toContainEqual(expect.objectContaining({ familyName: 'Noto Sans Sinhala', isCustomFont: true }))
    await expectUncovered(customer, notice, [
      byTestId(customer, `purpose-${EMAIL}`),
      byTestId(customer, `conflict-${SMS}`),
    ])
    await screenshot(customer, 'notice-customer-phone', { fullPage: false })

    // Their own decisions are no news to the agent; a reload's catch-up is none to the customer.
    expect(await changeNotice(agent, titleOf(EMAIL)).count()).toBe(0)
    await customer.reload()
    await waitForAttribute(byTestId(customer, 'sync-status'), 'data-status', 'saved')
    await purposeRow(customer, EMAIL, 'granted').waitFor()
    expect(await changeNotice(customer).count()).toBe(0)
  })

  it("tells the agent of the customer's and another agent's decisions, covering nothing", async () => {
    const current = await dashboards()
    const { customer, agent } = await current.customerAndAgent()
    const { page: other } = await current.agent('csr2')
    await byTestId(agent, 'presence-C-0001').waitFor()

    await byTestId(customer, `toggle-${OFFERS}`).click()
    const fromCustomer = changeNotice(agent, titleOf(OFFERS))
    await fromCustomer.waitFor({ timeout: NOTICE_TIMEOUT })
    expect(await fromCustomer.getAttribute('role')).toBe('status')
    expect(await fromCustomer.textContent()).toMatch(/Nimal Perera \(C-0001\).*on the web: now Granted/)
    await expectUncovered(agent, fromCustomer, [byTestId(agent, `purpose-${OFFERS}`)])

    await loginAgent(other, current.server.httpUrl, 'csr2')
    await openCustomer(other, 'C-0001')
    await byTestId(agent, 'presence-csr2').waitFor()
    await recordOnBehalf(other, { channel: 'store', evidence: 'Shop visit, form 88', purposeId: EMAIL })
    const fromAgent = changeNotice(agent, titleOf(EMAIL))
    await fromAgent.waitFor({ timeout: NOTICE_TIMEOUT })
    expect(await fromAgent.textContent()).toMatch(/Agent Suresh Kumar \(csr2\).*in a store: now Granted/)
    await expectUncovered(agent, fromAgent, [byTestId(agent, `purpose-${EMAIL}`)])
    await screenshot(agent, 'notice-agent-desktop', { fullPage: false })
    // The customer hears of it too, as from customer service.
    await changeNotice(customer, /Customer service \(Suresh Kumar, csr2\)/).waitFor({
      timeout: NOTICE_TIMEOUT,
    })
    // Opened after the customer's grant: that is history to the second agent, and their own is no news.
    expect(await changeNotice(other).count()).toBe(0)
  })
})
