import { DEFAULT_CATALOG } from '@consent-sync/consent-core'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { byTestId, loginCustomer, renderedFonts, waitForAttribute } from './browser'
import { dashboardsPerTest, requireChromium } from './setup'

const hasChromium = requireChromium('the web-font tests')

const SMS = 'marketing-sms'
const SCRIPTS = [
  { lang: 'si', family: 'Noto Sans Sinhala', sample: 'සිංහල' },
  { lang: 'ta', family: 'Noto Sans Tamil', sample: 'தமிழ்' },
] as const

/**
 * Waits until the page itself (this test never asks for one) has loaded the regular and the bold
 * face of `family`: the notice text and the purpose's title need them.
 */
async function waitForFaces(page: Page, family: string): Promise<void> {
  await page.waitForFunction((f) => {
    const loaded = [...document.fonts].filter(
      (face) => face.family.replace(/"/g, '') === f && face.status === 'loaded',
    )
    return ['400', '700'].every((w) => loaded.some((face) => face.weight === w))
  }, family)
}

describe.skipIf(!hasChromium)('Sinhala and Tamil fonts shipped with the page, in Chromium', () => {
  const dashboards = dashboardsPerTest()

  it('draws Sinhala and Tamil with same-origin web fonts, also offline after one online load', async () => {
    const current = await dashboards()
    const { context, page } = await current.customer()
    const foreign: string[] = []
    const fonts: { url: string; fromServiceWorker: boolean; offline: boolean }[] = []
    let offline = false
    context.on('request', (r) => {
      if (!r.url().startsWith(`${current.server.httpUrl}/`)) foreign.push(r.url())
    })
    page.on('response', (r) => {
      if (r.request().resourceType() === 'font')
        fonts.push({ url: r.url(), fromServiceWorker: r.fromServiceWorker(), offline })
    })
    await loginCustomer(page, current.server.httpUrl, 'C-0001')
    // The service worker is installed (its precache filled) before the network goes.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
    const worker = await (await fetch(`${current.server.httpUrl}/customer/sw.js`)).text()
    const precache = JSON.parse(/const PRECACHE = (.*)\n/.exec(worker)?.[1] ?? '[]') as string[]
    expect(precache.filter((f) => f.endsWith('.woff2')).length).toBeGreaterThanOrEqual(2)

    await context.setOffline(true)
    offline = true
    await page.reload()
    await byTestId(page, `purpose-${SMS}`).waitFor()
    await waitForAttribute(byTestId(page, 'sync-status'), 'data-status', 'offline')
    const sms = DEFAULT_CATALOG.purposes.find((p) => p.id === SMS)
    for (const { lang, family, sample } of SCRIPTS) {
      await byTestId(page, 'language-select').selectOption(lang)
      await waitForAttribute(byTestId(page, `notice-${SMS}`), 'lang', lang)
      expect(await byTestId(page, `notice-${SMS}`).textContent()).toBe(sms?.notice[lang])
      await waitForFaces(page, family)
      expect(await page.evaluate(([f, s]) => document.fonts.check(`16px "${f}"`, s), [family, sample])).toBe(
        true,
      )
      // Drawn with the web font, in the regular and the bold weight (not boxes from a fallback).
      for (const selector of [`[data-testid="notice-${SMS}"]`, `[data-testid="title-${SMS}"]`]) {
        const drawn = await renderedFonts(page, selector)
        expect(drawn, `${lang} ${selector}`).toContainEqual(
          expect.objectContaining({ familyName: family, isCustomFont: true }),
        )
      }
    }
    // Every font file came from this origin, woff2; offline, through the service worker's cache.
    expect(fonts.filter((f) => f.offline).length).toBeGreaterThanOrEqual(SCRIPTS.length)
    for (const font of fonts) {
      expect(font.url.startsWith(`${current.server.httpUrl}/customer/assets/`), font.url).toBe(true)
      expect(font.url.endsWith('.woff2'), font.url).toBe(true)
      if (font.offline) expect(font.fromServiceWorker, font.url).toBe(true)
    }
    expect(foreign).toEqual([])
    await current.screenshots('fonts-offline-ta')
  })
})
