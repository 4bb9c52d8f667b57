import { DEFAULT_CATALOG, findPurpose, readOut } from '@consent-sync/consent-core'
import { describe, expect, it } from 'vitest'
import { openDemoCatalog } from './catalog'
import type { Replica } from './replica'
import { SMS, SMS_V2, STEPS, type StepContext } from './script'
import { memoryStore } from './storage'
import { clearDemo, openDemo } from './world'

async function until(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

const saved = (r: Replica) =>
  until(() => r.store.getState().status === 'saved' && r.store.getState().pending === 0, `${r.side} saved`)

async function setup() {
  const options = { storage: memoryStore(), persist: false }
  const demo = openDemo(options)
  await demo.ready
  await saved(demo.replicas.customer)
  await saved(demo.replicas.agent)
  const context: StepContext = { demo, setLanguage: () => {}, showAudit: () => {} }
  /** The customer's SMS as the page reads it out under the catalog now. */
  const smsReadOut = (side: 'customer' | 'agent') => {
    const state = demo.replicas[side].store.getState().purposes.find((p) => p.purposeId === SMS)
    const purpose = findPurpose(demo.catalog.store.getState().catalog, SMS)
    if (!state || !purpose) throw new Error('no SMS')
    return readOut(state, purpose, { now: Date.now() })
  }
  return { demo, options, context, smsReadOut, cleanup: () => clearDemo(demo, options) }
}

describe('the page catalog and "a new notice"', () => {
  it('starts from the bundled catalog as data, as the server seeds it: every purpose with its one version', () => {
    const { catalog } = openDemoCatalog(memoryStore()).store.getState()
    expect(catalog).toEqual(DEFAULT_CATALOG)
    for (const p of catalog.purposes) expect(p.versions?.map((v) => v.version)).toEqual([p.version])
  })

  it('publishes a material version: both sides ask again, and renewing records a decision under it', async () => {
    const { demo, context, smsReadOut, cleanup } = await setup()
    const step = STEPS.find((s) => s.title === 'A new notice')
    if (!step) throw new Error('no "A new notice" step')
    step.run(context)
    const { customer } = demo.replicas
    await saved(customer)
    expect(findPurpose(demo.catalog.store.getState().catalog, SMS)?.version).toBe('2.0')
    await until(() => smsReadOut('agent').needsReconsent, 'the agent sees it flagged')
    expect(smsReadOut('customer')).toMatchObject({ needsReconsent: true, reconsent: 'prompt' })
    expect(demo.catalog.textsOf(SMS, '1.0')?.notice.en).not.toBe(SMS_V2.notice.en)

    // A second click publishes nothing more.
    const versions = demo.catalog.store.getState().versions.length
    step.run(context)
    expect(demo.catalog.store.getState().versions).toHaveLength(versions)

    // The customer agrees to the new notice: a grant under 2.0, accepted by the hub.
    customer.decide({ purposeId: SMS, state: 'granted', channel: 'web' })
    await saved(customer)
    const last = demo.hub.store.getState().entries.at(-1)
    expect(last).toMatchObject({ purposeId: SMS, noticeVersion: '2.0', decision: 'granted' })
    expect(smsReadOut('customer').needsReconsent).toBe(false)
    await until(() => !smsReadOut('agent').needsReconsent, 'the agent sees it renewed')
    await cleanup()
  })

  it('keeps what was published across a reload, and forgets it on reset', async () => {
    const { demo, options, context } = await setup()
    STEPS.at(-1)?.run(context)
    await demo.destroy()
    const again = openDemo(options)
    expect(findPurpose(again.catalog.store.getState().catalog, SMS)?.version).toBe('2.0')
    await clearDemo(again, options)
    expect(findPurpose(openDemoCatalog(options.storage).store.getState().catalog, SMS)?.version).toBe('1.0')
  })
})
