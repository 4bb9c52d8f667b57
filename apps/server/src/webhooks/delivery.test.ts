import { afterEach, describe, expect, it } from 'vitest'
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver'
import { attemptDelivery } from './delivery'
import type { TargetPolicy } from './target-guard'

const OPEN: TargetPolicy = { allowedHosts: [], allowPrivate: false, requireHttps: false }
const receivers: WebhookReceiver[] = []
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close()
})

async function receiver(...args: Parameters<typeof startWebhookReceiver>) {
  const r = await startWebhookReceiver(...args)
  receivers.push(r)
  return r
}

const post = (url: string, policy: TargetPolicy, extra: object = {}) =>
  attemptDelivery({ url, headers: { 'webhook-id': 'evt_1' }, body: '{}', timeoutMs: 1000, policy, ...extra })

describe('one delivery attempt', () => {
  it.each([
    ['127.0.0.1 without an allow-list', (port: number) => `http://127.0.0.1:${port}/hooks`],
    ['[::1]', (port: number) => `http://[::1]:${port}/hooks`],
    ['10.x', () => 'http://10.0.0.1/hooks'],
    ['the metadata service', () => 'http://169.254.169.254/latest/meta-data'],
  ])('refuses %s and connects nowhere', async (_, url) => {
    const r = await receiver()
    const outcome = await post(url(r.port), OPEN)
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'refused-target' })
    expect(r.received).toHaveLength(0)
  })

  it('refuses a name that resolves to loopback at delivery (DNS rebinding), and connects to the checked address when allowed', async () => {
    const r = await receiver()
    const toLoopback = async () => [{ address: '127.0.0.1', family: 4 }]
    const url = `http://rebind.example:${r.port}/hooks`
    expect(await post(url, OPEN, { resolve: toLoopback })).toMatchObject({
      kind: 'failed',
      reason: 'refused-target',
    })
    expect(r.received).toHaveLength(0)
    const allowed = { ...OPEN, allowedHosts: ['rebind.example'] }
    expect(await post(url, allowed, { resolve: toLoopback })).toEqual({ kind: 'delivered', status: 200 })
    expect(r.received[0]?.headers.host).toBe(`rebind.example:${r.port}`)
  })

  it('tells delivered, gone, failed and timed out apart', async () => {
    const policy = { ...OPEN, allowedHosts: ['127.0.0.1'] }
    const statuses = [204, 410, 500, 302]
    const r = await receiver((_, n) => statuses[n - 1] ?? 'hang')
    expect(await post(r.url, policy)).toEqual({ kind: 'delivered', status: 204 })
    expect(await post(r.url, policy)).toEqual({ kind: 'gone', status: 410 })
    expect(await post(r.url, policy)).toMatchObject({ kind: 'failed', status: 500, reason: 'status' })
    // A redirect is not followed: a failure.
    expect(await post(r.url, policy)).toMatchObject({ kind: 'failed', status: 302 })
    const started = Date.now()
    expect(await post(r.url, policy, { timeoutMs: 200 })).toMatchObject({ kind: 'failed', reason: 'timeout' })
    expect(Date.now() - started).toBeLessThan(1000)
  })
})
