import { readFile } from 'node:fs/promises'
import { type ConsentReceipt, verifyBundle, verifyReceipt } from '@consent-sync/server'
import { describe, expect, it } from 'vitest'
import {
  byTestId,
  loginAgent,
  loginCustomer,
  openCustomer,
  recordOnBehalf,
  waitForAttribute,
} from './browser'
import { dashboardsPerTest, requireChromium } from './setup'

const hasChromium = requireChromium('the receipts and "download my data" test')

describe.skipIf(!hasChromium)('receipts and "download my data" in the customer dashboard (Chromium)', () => {
  const dashboards = dashboardsPerTest()

  it('downloads a signed receipt for a choice, opens its printable page, and downloads all the data', async () => {
    const current = await dashboards()
    const { page } = await current.customer()
    await loginCustomer(page, current.server.httpUrl, 'C-0001')
    await byTestId(page, 'toggle-marketing-sms').click()
    await waitForAttribute(byTestId(page, 'sync-status'), 'data-status', 'saved')
    const jwks = (await (await fetch(`${current.server.httpUrl}/api/keys`)).json()) as Parameters<
      typeof verifyReceipt
    >[1]

    const row = byTestId(page, 'history-row').first()
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.getByTestId('receipt-json').click(),
    ])
    const held = JSON.parse(await readFile((await download.path())!, 'utf8')) as {
      jws: string
      receipt: ConsentReceipt
    }
    expect(await verifyReceipt(held.jws, jwks)).toMatchObject({ ok: true, value: held.receipt })
    expect(held.receipt).toMatchObject({ piiPrincipalId: 'C-0001', event: { type: 'given', channel: 'web' } })

    const [printable] = await Promise.all([
      page.context().waitForEvent('page'),
      row.getByTestId('receipt-print').click(),
    ])
    await printable.getByRole('heading', { name: 'Consent receipt' }).waitFor()
    await printable.close()

    const [data] = await Promise.all([
      page.waitForEvent('download'),
      byTestId(page, 'download-my-data').click(),
    ])
    const bundle = JSON.parse(await readFile((await data.path())!, 'utf8')) as Record<string, unknown> & {
      receipts: unknown[]
    }
    expect(bundle).toMatchObject({ format: 'consent-sync-export/1', customerId: 'C-0001' })
    expect(bundle.receipts).toHaveLength(1)
    expect(await verifyBundle(bundle, jwks)).toMatchObject({ ok: true })
    await current.screenshots('evidence')
  })

  it('lets an agent print the receipt of a decision taken by phone, naming the call', async () => {
    const current = await dashboards()
    const { page } = await current.agent()
    await loginAgent(page, current.server.httpUrl, 'csr1')
    await openCustomer(page, 'C-0001')
    await recordOnBehalf(page, {
      channel: 'phone',
      evidence: 'call 5521: agreed to SMS offers',
      purposeId: 'marketing-sms',
    })
    await waitForAttribute(byTestId(page, 'sync-status'), 'data-status', 'saved')
    const row = byTestId(page, 'history-row').first()
    const [printable] = await Promise.all([
      page.context().waitForEvent('page'),
      row.getByTestId('receipt-print').click(),
    ])
    await printable.getByText('call 5521: agreed to SMS offers').waitFor()
    await printable.getByText('csr1 (csr)').waitFor()
    await printable.close()
  })
})
