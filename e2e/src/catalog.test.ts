import { DEFAULT_CATALOG } from '@consent-sync/consent-core'
import { CSR_1, type TestServer } from '@consent-sync/server/testing'
import { describe, expect, it } from 'vitest'
import { byTestId, loginAgent, loginCustomer, openCustomer, purposeRow, waitForAttribute } from './browser'
import { dashboardsPerTest, requireChromium } from './setup'

const hasChromium = requireChromium('the live catalog tests')

const SMS = 'marketing-sms'
const EMAIL = 'marketing-email'
/** "Within 2 s without reload", on a machine that may be loaded: measured from the publish's answer. */
const LIVE_WITHIN = 2_000

function purposeOf(id: string) {
  const purpose = DEFAULT_CATALOG.purposes.find((p) => p.id === id)
  if (!purpose) throw new Error(`no purpose ${id} in DEFAULT_CATALOG`)
  return purpose
}

/** Version 2.0 of SMS: partners' offers too, a material change. */
const SMS_V2 = {
  version: '2.0',
  material: true,
  reconsent: 'prompt',
  title: purposeOf(SMS).title,
  notice: {
    en: 'We may send you news about products, promotions and offers from our partners by SMS, at most a few times a week.',
    si: `${purposeOf(SMS).notice.si} (හවුල්කරුවන්ගේ දීමනා ද ඇතුළුව.)`,
    ta: `${purposeOf(SMS).notice.ta} (கூட்டாளர் சலுகைகள் உட்பட.)`,
  },
}

interface ConsentEntry {
  purposeId: string
  state: string
  effectiveState: string
  needsReconsent: boolean
  noticeVersion: string | null
}

async function consentOf(server: TestServer, purposeId: string): Promise<ConsentEntry | undefined> {
  const res = await server.get('/api/customers/C-0001/consents', server.token(CSR_1))
  if (!res.ok) throw new Error(`GET consents: HTTP ${res.status}`)
  const body = (await res.json()) as { purposes: ConsentEntry[] }
  return body.purposes.find((p) => p.purposeId === purposeId)
}

describe.skipIf(!hasChromium)('the purpose catalog as data, live in the dashboards', () => {
  const dashboards = dashboardsPerTest()

  it('shows an open customer page a material version within 2 s, and renews under it in one click', async () => {
    const current = await dashboards()
    const { server } = current
    const { customer, agent } = await current.customerAndAgent()
    // A grant under the current text: whom a material change asks again.
    await byTestId(customer, `toggle-${SMS}`).click()
    await purposeRow(agent, SMS, 'granted').waitFor()
    await waitForAttribute(byTestId(customer, 'sync-status'), 'data-status', 'saved')
    expect(await byTestId(customer, `reconsent-${SMS}`).count()).toBe(0)

    const admin = await server.login('admin1')
    const res = await server.post(`/api/admin/purposes/${SMS}/versions`, SMS_V2, admin)
    expect(res.status, await res.clone().text()).toBe(201)
    const publishedAt = Date.now()

    // No reload: the page hears of the publish and asks again, the texts side by side.
    const prompt = byTestId(customer, `reconsent-${SMS}`)
    await prompt.waitFor({ timeout: LIVE_WITHIN })
    expect(Date.now() - publishedAt).toBeLessThan(LIVE_WITHIN)
    expect(await prompt.getAttribute('data-reconsent')).toBe('prompt')
    await waitForAttribute(byTestId(customer, `purpose-${SMS}`), 'data-effective-state', 'granted')
    await expect(byTestId(customer, `notice-${SMS}`).textContent()).resolves.toBe(SMS_V2.notice.en)
    // The text agreed to, fetched from GET /api/purposes/:id/versions/:version.
    const agreed = byTestId(customer, `agreed-notice-${SMS}`)
    await agreed.waitFor()
    expect((await agreed.textContent())?.replaceAll('removed: ', '')).toBe(purposeOf(SMS).notice.en)
    expect(await prompt.locator('ins').count()).toBeGreaterThan(0)
    // The agent's open record flags it too.
    await byTestId(agent, `reconsent-${SMS}`).waitFor({ timeout: LIVE_WITHIN })
    expect(await consentOf(server, SMS)).toMatchObject({ needsReconsent: true, effectiveState: 'granted' })
    await current.screenshots('catalog-reconsent')

    // In Sinhala, as the page is.
    await byTestId(customer, 'language-select').selectOption('si')
    await expect(prompt.getAttribute('lang')).resolves.toBe('si')
    await expect(prompt.textContent()).resolves.toContain('මෙම දැනුම්දීම වෙනස් වී ඇත')

    // One click: a grant under version 2.0.
    await byTestId(customer, `renew-${SMS}`).click()
    await prompt.waitFor({ state: 'detached' })
    await waitForAttribute(byTestId(customer, 'sync-status'), 'data-status', 'saved')
    expect(await consentOf(server, SMS)).toMatchObject({
      state: 'granted',
      effectiveState: 'granted',
      needsReconsent: false,
      noticeVersion: '2.0',
    })
    await byTestId(agent, `reconsent-${SMS}`).waitFor({ state: 'detached' })
  })

  it('lets an administrator publish from the catalog screen, refusing a missing language before sending, and retire with a confirmation', async () => {
    const current = await dashboards()
    const { server } = current
    const { page: customer } = await current.customer()
    const { page: desk } = await current.agent('admin')
    await loginCustomer(customer, server.httpUrl, 'C-0001')
    await loginAgent(desk, server.httpUrl, 'admin1')
    await byTestId(desk, 'admin-open').click()
    await byTestId(desk, `admin-purpose-${EMAIL}`).waitFor()
    const auditRows = byTestId(desk, 'admin-audit-row')
    await auditRows.first().waitFor()
    const entriesBefore = await auditRows.count()

    // A new version of e-mail marketing with the Tamil notice blank: refused here, nothing sent.
    await byTestId(desk, `admin-new-version-${EMAIL}`).click()
    await byTestId(desk, 'draft-version').fill('1.1')
    await byTestId(desk, 'draft-notice-ta').fill('  ')
    await byTestId(desk, 'admin-publish').click()
    const error = byTestId(desk, 'admin-draft-error')
    await expect(error.textContent()).resolves.toBe(
      'The Tamil notice is empty: every language is needed to publish.',
    )
    await expect(
      byTestId(desk, 'draft-notice-ta').evaluate((el) => el === document.activeElement),
    ).resolves.toBe(true)
    expect(await auditRows.count()).toBe(entriesBefore)

    // Filled in, published: the table, the log and an open customer page follow.
    await byTestId(desk, 'draft-notice-ta').fill(`${purposeOf(EMAIL).notice.ta} (புதுப்பிக்கப்பட்டது)`)
    await byTestId(desk, 'draft-notice-en').fill(`${purposeOf(EMAIL).notice.en} Sent from Tuesday to Friday.`)
    await byTestId(desk, 'admin-publish').click()
    await waitForAttribute(byTestId(desk, `admin-purpose-${EMAIL}`), 'data-version', '1.1')
    await expect.poll(() => auditRows.count()).toBe(entriesBefore + 1)
    await expect(byTestId(customer, `notice-${EMAIL}`).textContent()).resolves.toContain('Tuesday to Friday')

    // The same version again: a published text never changes, so it is refused, naming the version.
    await byTestId(desk, `admin-new-version-${EMAIL}`).click()
    await byTestId(desk, 'draft-version').fill('1.1')
    await byTestId(desk, 'admin-publish').click()
    await expect(error.textContent()).resolves.toMatch(/Version 1\.1 of marketing-email is published already/)
    await byTestId(desk, 'admin-draft-cancel').click()

    // Retiring asks first; then the customer page offers no grant, the agent's view flags it.
    await byTestId(desk, `admin-retire-${EMAIL}`).click()
    await byTestId(desk, `admin-retire-cancel-${EMAIL}`).click()
    await waitForAttribute(byTestId(desk, `admin-purpose-${EMAIL}`), 'data-status', 'active')
    await byTestId(desk, `admin-retire-${EMAIL}`).click()
    await byTestId(desk, `admin-retire-confirm-${EMAIL}`).click()
    await waitForAttribute(byTestId(desk, `admin-purpose-${EMAIL}`), 'data-status', 'retired')
    await waitForAttribute(byTestId(customer, `purpose-${EMAIL}`), 'data-status', 'retired')
    expect(await byTestId(customer, `toggle-${EMAIL}`).count()).toBe(0)
    await byTestId(customer, `retired-${EMAIL}`).waitFor()
    await expect.poll(() => auditRows.count()).toBe(entriesBefore + 2)

    // An agent's record of the customer flags the retired purpose.
    const { page: csr } = await current.agent('csr')
    await loginAgent(csr, server.httpUrl, 'csr1')
    await openCustomer(csr, 'C-0001')
    await byTestId(csr, `retired-${EMAIL}`).waitFor()
    await current.screenshots('catalog-admin')
  })
})
