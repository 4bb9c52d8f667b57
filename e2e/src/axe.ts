import { createRequire } from 'node:module'
import type { AxeResults, ImpactValue } from 'axe-core'
import type { Page } from 'playwright-core'

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core')

/** The impacts a page may not have. */
const FAILING: readonly ImpactValue[] = ['serious', 'critical']

/**
 * Runs axe-core in the page, injected as a script of its own (past the page's
 * Content-Security-Policy); answers its serious and critical violations, one line each.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_PATH })
  const results = await page.evaluate(() =>
    (window as unknown as { axe: { run(): Promise<AxeResults> } }).axe.run(),
  )
  return results.violations
    .filter((v) => v.impact && FAILING.includes(v.impact))
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}
