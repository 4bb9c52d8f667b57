/**
 * Prints two numbers for e2e/README.md ("Measured"); not a test, asserts nothing:
 * - the customer page's time to interactive from IndexedDB with the network off (after one online
 *   load: offline, reload, until a purpose row is visible), median of several reloads;
 * - the gzipped size of each dashboard's JavaScript (dist/assets/*.js).
 * Run: `npm run measure -w @consent-sync/e2e` after `npm run build`.
 */
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { startTestServer } from '@consent-sync/server/testing'
import {
  assertDashboardsBuilt,
  CUSTOMER_VIEWPORT,
  launchChromium,
  loginCustomer,
  openUserPage,
} from './browser'

const RELOADS = 7
const REPO_ROOT = path.resolve(import.meta.dirname, '../..')

async function gzippedJs(app: string): Promise<{ raw: number; gzip: number }> {
  const dir = path.join(REPO_ROOT, 'apps', app, 'dist', 'assets')
  let raw = 0
  let gzip = 0
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.js')) continue
    const bytes = await readFile(path.join(dir, name))
    raw += bytes.length
    gzip += gzipSync(bytes, { level: 9 }).length
  }
  return { raw, gzip }
}

async function offlineStartMs(): Promise<number[]> {
  const server = await startTestServer()
  const browser = await launchChromium()
  try {
    const { context, page } = await openUserPage(browser, CUSTOMER_VIEWPORT)
    await loginCustomer(page, server.httpUrl, 'C-0001')
    // The service worker must be in control before the network goes.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
    await context.setOffline(true)
    const times: number[] = []
    for (let i = 0; i < RELOADS; i++) {
      const started = performance.now()
      await page.reload({ waitUntil: 'commit' })
      await page.locator('[data-testid^="purpose-"]').first().waitFor({ state: 'visible' })
      times.push(performance.now() - started)
    }
    return times
  } finally {
    await browser.close()
    await server.cleanup()
  }
}

assertDashboardsBuilt()
const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`
for (const app of ['customer-web', 'csr-web']) {
  const { raw, gzip } = await gzippedJs(app)
  console.log(`${app}: JS ${kb(raw)} raw, ${kb(gzip)} gzipped`)
}
const times = (await offlineStartMs()).sort((a, b) => a - b)
const median = times[Math.floor(times.length / 2)] ?? Number.NaN
console.log(
  `customer-web offline start (IndexedDB, network off): median ${median.toFixed(0)} ms over ${times.length} reloads ` +
    `(min ${times[0]?.toFixed(0)}, max ${times.at(-1)?.toFixed(0)})`,
)
