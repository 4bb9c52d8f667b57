import { readFile } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { seriousViolations } from './axe'
import {
  byTestId,
  CSR_VIEWPORT,
  CUSTOMER_VIEWPORT,
  loginAgent,
  loginCustomer,
  openCustomer,
  recordOnBehalf,
  screenshot,
  waitForAttribute,
} from './browser'
import { dashboardsPerTest, requireChromium } from './setup'

const hasChromium = requireChromium('the analytics tests')

const SMS = 'marketing-sms'
const AUDITOR_PASSWORD = 'tea plantation sunrise'
const PANELS = [
  'purposes',
  'timeseries',
  'channels',
  'withdrawals',
  'conflicts',
  'lifecycle',
  'agents',
] as const
/** The promise: a decision moves the figures without a reload within this. */
const LIVE_WITHIN_MS = 2000

/** Signs an administrator in at /csr/ and opens Analytics; waits until no panel is still loading. */
async function openAnalytics(page: Page, base: string, username = 'admin1'): Promise<void> {
  await loginAgent(page, base, username)
  await byTestId(page, 'analytics-open').click()
  await byTestId(page, 'analytics-screen').waitFor()
  await settled(page)
}

/**
 * Every panel has answered (ready or empty, never an error) and is not refetching. A panel off screen
 * asks again only when scrolled to (`data-stale` until then): check it after scrolling there.
 */
async function settled(page: Page): Promise<void> {
  for (const id of PANELS) {
    await page
      .locator(`[data-testid="analytics-${id}"]:is([data-state="ready"],[data-state="empty"])`)
      .waitFor()
  }
  await page.waitForFunction(
    () => document.querySelectorAll('.csr-analytics-panel[aria-busy="true"]').length === 0,
  )
}

interface Mark {
  row: string
  series: string
  value: string
}

/** The chart's marks as it draws them: row, series and the value each carries. */
function chartMarks(page: Page, panel: string): Promise<Mark[]> {
  return page.$$eval(`[data-testid="analytics-${panel}"] [data-testid="chart-mark"]`, (marks) =>
    marks.map((m) => ({
      row: m.getAttribute('data-row') ?? '',
      series: m.getAttribute('data-series') ?? '',
      value: m.getAttribute('data-value') ?? '',
    })),
  )
}

/** The table view's cells of the columns `series`, in the chart's order. */
function tableCells(page: Page, panel: string, series: readonly string[]): Promise<Mark[]> {
  return page.$$eval(
    `[data-testid="analytics-${panel}"] [data-testid="analytics-table"] tbody tr`,
    (rows, keys) =>
      rows.flatMap((tr) =>
        keys.map((key) => ({
          row: tr.getAttribute('data-row') ?? '',
          series: key,
          value: tr.querySelector(`[data-column="${key}"]`)?.getAttribute('data-value') ?? '(no cell)',
        })),
      ),
    series,
  )
}

/** The table view's every cell by row and column (data-value), the column labels first. */
function tableGrid(page: Page, panel: string): Promise<string[][]> {
  return page.$$eval(`[data-testid="analytics-${panel}"] [data-testid="analytics-table"] tr`, (rows) =>
    rows.map((tr) =>
      [...tr.children].map((c) =>
        c.closest('thead') ? (c.textContent ?? '') : (c.getAttribute('data-value') ?? ''),
      ),
    ),
  )
}

function purposeShare(page: Page): Promise<string | null> {
  return byTestId(page, 'analytics-purposes')
    .locator(`[data-testid="chart-mark"][data-row="${SMS}"][data-series="grantedShare"]`)
    .getAttribute('data-value')
}

/** RFC 4180 lines of a small CSV (no line breaks inside fields). */
function csvRows(text: string): string[][] {
  return text
    .trimEnd()
    .split('\r\n')
    .map((line) =>
      [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)]
        .slice(0, -1)
        .map((m) => m[1] ?? '')
        .map((c) => (c.startsWith('"') ? c.slice(1, -1).replaceAll('""', '"') : c)),
    )
}

describe.skipIf(!hasChromium)('the analytics screen in Chromium', () => {
  const dashboards = dashboardsPerTest()

  it('shows every panel to an administrator, moves the share live within 2 s, and its tables, charts and CSV agree', async () => {
    // Every group shown (no suppression), so that one decision visibly moves a figure.
    const current = await dashboards({ env: { ANALYTICS_MIN_GROUP: '1' } })
    const base = current.server.httpUrl
    // Decisions first: a customer's on the web, an agent's by phone, so the panels have rows.
    const { page: customer } = await current.customer()
    await loginCustomer(customer, base, 'C-0001')
    await byTestId(customer, `toggle-${SMS}`).click()
    await waitForAttribute(byTestId(customer, 'sync-status'), 'data-status', 'saved')
    const { page: agent } = await current.agent('csr')
    await loginAgent(agent, base, 'csr1')
    await openCustomer(agent, 'C-0002')
    await recordOnBehalf(agent, { channel: 'phone', evidence: 'Call 4471, customer agreed', purposeId: SMS })
    await waitForAttribute(byTestId(agent, 'sync-status'), 'data-status', 'saved')

    // The page runs under its real Content-Security-Policy: the charts must not need inline styles.
    const { page } = await current.person('admin', CSR_VIEWPORT)
    const cspErrors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text())
    })
    await openAnalytics(page, base)
    expect(await page.locator('[data-testid="analytics-channels"]').getAttribute('data-state')).toBe('ready')
    expect(await page.locator('[data-testid="analytics-agents"]').getAttribute('data-state')).toBe('ready')
    expect(
      await byTestId(page, 'analytics-agents').locator('[data-testid="chart-mark"][data-row="csr1"]').count(),
    ).toBe(2)
    await screenshot(page, 'analytics-admin-desktop')

    // Live: the customer changes their mind; the share moves on the open screen, no reload.
    const before = await purposeShare(page)
    expect(before).toMatch(/^[0-9.]+$/)
    const started = Date.now()
    await byTestId(customer, `toggle-${SMS}`).click()
    await page.waitForFunction(
      ([sms, was]) =>
        document
          .querySelector(
            `[data-testid="analytics-purposes"] [data-testid="chart-mark"][data-row="${sms}"][data-series="grantedShare"]`,
          )
          ?.getAttribute('data-value') !== was,
      [SMS, before] as const,
      { timeout: LIVE_WITHIN_MS },
    )
    const tookMs = Date.now() - started
    expect(tookMs).toBeLessThan(LIVE_WITHIN_MS)
    await settled(page)

    // Each panel's table view holds exactly the figures its chart draws.
    for (const id of PANELS) {
      const panel = byTestId(page, `analytics-${id}`)
      await panel.scrollIntoViewIfNeeded()
      await page
        .locator(`[data-testid="analytics-${id}"]:not([data-stale]):not([aria-busy="true"])`)
        .waitFor()
      if ((await panel.getAttribute('data-state')) !== 'ready') continue
      const marks = await chartMarks(page, id)
      expect(marks.length, `${id} draws marks`).toBeGreaterThan(0)
      const series = [...new Set(marks.map((m) => m.series))]
      await byTestId(page, `analytics-toggle-${id}`).click()
      await panel.locator('[data-testid="analytics-table"]').waitFor()
      expect(await tableCells(page, id, series), `${id}: table = chart`).toEqual(marks)
    }
    await screenshot(page, 'analytics-admin-tables')

    // The CSV download is the table view, cell for cell.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      byTestId(page, 'analytics-csv-channels').click(),
    ])
    expect(download.suggestedFilename()).toMatch(
      /^consent-analytics-channels-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/,
    )
    const file = await download.path()
    expect(csvRows(await readFile(file, 'utf8'))).toEqual(await tableGrid(page, 'channels'))

    // Weekly: the timeseries asks again by week, fewer points than days over the same 30 days.
    await byTestId(page, 'analytics-toggle-timeseries').click()
    // Back from the table, the chart draws its marks on the next render: count them once drawn.
    await page.waitForFunction(
      () =>
        document.querySelectorAll('[data-testid="analytics-timeseries"] [data-testid="chart-mark"]').length >
        0,
    )
    const daily = (await chartMarks(page, 'timeseries')).length
    await byTestId(page, 'analytics-interval-week').check()
    await page.waitForFunction((days) => {
      const marks = document.querySelectorAll(
        '[data-testid="analytics-timeseries"] [data-testid="chart-mark"]',
      )
      return marks.length > 0 && marks.length < days
    }, daily)
    expect(daily).toBe(30)
    expect(cspErrors).toEqual([])
  })

  it('hides groups smaller than minGroup as "fewer than N", in Sinhala and Tamil too, and is accessible on a phone and a desktop', async () => {
    const current = await dashboards({ env: { ANALYTICS_MIN_GROUP: '50' } })
    const base = current.server.httpUrl
    const { page: customer } = await current.customer()
    await loginCustomer(customer, base, 'C-0001')
    await byTestId(customer, `toggle-${SMS}`).click()
    await waitForAttribute(byTestId(customer, 'sync-status'), 'data-status', 'saved')

    const found: string[] = []
    for (const [size, viewport] of Object.entries({ desktop: CSR_VIEWPORT, phone: CUSTOMER_VIEWPORT })) {
      // axe comes in as a script of its own: past the page's Content-Security-Policy.
      const { page } = await current.person(`admin-${size}`, viewport, { bypassCSP: true })
      await openAnalytics(page, base)
      const hidden = byTestId(page, 'analytics-purposes').locator(
        `[data-testid="chart-mark"][data-row="${SMS}"]`,
      )
      expect(await hidden.getAttribute('data-suppressed')).toBe('true')
      expect(await hidden.getAttribute('aria-label')).toContain('hidden (fewer than 50)')
      await byTestId(page, 'analytics-toggle-purposes').click()
      const granted = byTestId(page, 'analytics-purposes').locator(
        `tr[data-row="${SMS}"] [data-column="granted"]`,
      )
      expect(await granted.textContent()).toBe('fewer than 50')
      await screenshot(page, `analytics-suppressed-${size}`)
      for (const v of await seriousViolations(page)) found.push(`${size}, tables: ${v}`)
      await byTestId(page, 'analytics-toggle-purposes').click()
      for (const v of await seriousViolations(page)) found.push(`${size}, charts: ${v}`)

      await byTestId(page, 'analytics-screen').locator('[data-testid="language-select"]').selectOption('ta')
      await byTestId(page, 'analytics-toggle-purposes').click()
      expect(await granted.textContent()).toBe('50க்கும் குறைவு')
      await byTestId(page, 'analytics-screen').locator('[data-testid="language-select"]').selectOption('si')
      expect(await granted.textContent()).toBe('50කට අඩු')
      for (const v of await seriousViolations(page)) found.push(`${size}, Sinhala: ${v}`)
      await screenshot(page, `analytics-sinhala-${size}`)
      // Nothing is wider than the phone: the panels wrap, tables scroll inside their box.
      const overflow = await page.evaluate(() => {
        const frame = document.querySelector('[data-testid="frame-content"]')
        return frame ? frame.scrollWidth - frame.clientWidth : 0
      })
      expect(overflow, `${size}: sideways scroll of the page`).toBeLessThanOrEqual(0)
    }
    expect(found).toEqual([])
  })

  it('refuses a bad range at the input, keeping the last good figures; an auditor reads the screen too', async () => {
    const current = await dashboards()
    const { page } = await current.person('admin', CSR_VIEWPORT)
    await openAnalytics(page, current.server.httpUrl)
    const asOf = await byTestId(page, 'analytics-channels').getAttribute('data-as-of')
    await byTestId(page, 'analytics-from').fill('2026-12-31')
    await byTestId(page, 'analytics-to').fill('2026-12-01')
    const error = byTestId(page, 'analytics-range-error')
    await error.waitFor()
    expect(await error.textContent()).toContain('The start is after the end')
    expect(await byTestId(page, 'analytics-from').getAttribute('aria-invalid')).toBe('true')
    expect(await byTestId(page, 'analytics-channels').getAttribute('data-as-of')).toBe(asOf)
    await byTestId(page, 'analytics-range-reset').click()
    await error.waitFor({ state: 'detached' })

    // An auditor reads the same screen (the server lets auditors read figures and drill-downs).
    const made = await current.server.post(
      '/api/admin/users',
      { username: 'dpo.silva', role: 'auditor', name: 'Dilini Silva', password: AUDITOR_PASSWORD },
      await current.server.login('admin1'),
    )
    expect(made.status).toBe(201)
    const { page: auditor } = await current.person('auditor', CSR_VIEWPORT)
    await auditor.goto(`${current.server.httpUrl}/csr/`)
    await byTestId(auditor, 'login-username').fill('dpo.silva')
    await byTestId(auditor, 'login-password').fill(AUDITOR_PASSWORD)
    await byTestId(auditor, 'login-submit').click()
    await byTestId(auditor, 'analytics-open').click()
    await settled(auditor)
    expect(await auditor.locator('[data-testid^="analytics-error-"]').count()).toBe(0)
  })
})
