/**
 * A receiver written as a downstream system would write it with this package, on node:http, and
 * deliveries sent to it over loopback the way the server sends them.
 */
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { verifyWebhookSync } from './node.js'
import { createReplayGuard } from './replay-guard.js'
import type { WebhookSecret } from './webhook/delivery.js'
import type { WebhookEvent } from './webhook/event.js'
import { WebhookVerificationError } from './webhook/failure.js'
import type { WebhookHeaders } from './webhook/headers.js'
import { signWebhook, verifyWebhook } from './webhook/verify.js'

const SECRET = 'whsec_cmVjZWl2ZXItdGVzdC1zZWNyZXQtb2YtMzItYnl0ZXM='
const OTHER_SECRET = 'whsec_YW5vdGhlci1zZWNyZXQtdGhlLXJlY2VpdmVyLWxhY2tz'
const NEXT_SECRET = 'whsec_bmV4dC1zZWNyZXQtYWZ0ZXItdGhlLXJvdGF0aW9uLQ=='

type Verify = (headers: WebhookHeaders, body: Uint8Array, secret: WebhookSecret) => Promise<WebhookEvent>

const verifiers: { name: string; verify: Verify }[] = [
  { name: 'verifyWebhook', verify: (h, b, s) => verifyWebhook(h, b, s) },
  { name: 'verifyWebhookSync', verify: async (h, b, s) => verifyWebhookSync(h, b, s) },
]

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function setup(verify: Verify, secret: WebhookSecret = SECRET) {
  const guard = createReplayGuard({ ttlSeconds: 600 })
  const handled: WebhookEvent[] = []
  const server = createServer(async (request, response) => {
    try {
      const event = await verify(request.headers, await readBody(request), secret)
      // Only after verification: an unsigned request must not be able to burn an id.
      if (guard.seen(event.id)) {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"duplicate":true}')
        return
      }
      handled.push(event)
      response.writeHead(204).end()
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error
      response
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ reason: error.reason }))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/consent`
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())))

  let counter = 0
  /** A delivery as the server makes it, with parts to tamper with. */
  async function deliver(
    options: {
      id?: string
      signedId?: string
      ageSeconds?: number
      secret?: WebhookSecret
      body?: string
      signedBody?: string
    } = {},
  ) {
    const id = options.id ?? `evt_C-0001_${++counter}`
    const timestamp = Math.floor(Date.now() / 1000) - (options.ageSeconds ?? 0)
    const signedBody =
      options.signedBody ??
      JSON.stringify({
        type: 'consent.changed',
        id,
        timestamp: new Date(timestamp * 1000).toISOString(),
        data: {
          customerId: 'C-0001',
          purposeId: 'marketing-sms',
          state: 'withdrawn',
          effectiveState: 'withdrawn',
          previousState: 'granted',
          conflicted: false,
          seq: counter,
        },
      })
    const signature = await signWebhook(
      options.signedId ?? id,
      timestamp,
      signedBody,
      options.secret ?? SECRET,
    )
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signature,
      },
      body: options.body ?? signedBody,
    })
    const text = await response.text()
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
      id,
    }
  }

  return { url, deliver, handled }
}

describe.each(verifiers)('a receiver on node:http using $name', ({ verify }) => {
  it('accepts a correctly signed delivery and hands over its event', async () => {
    const { deliver, handled } = await setup(verify)
    const { status, id } = await deliver()
    expect(status).toBe(204)
    expect(handled).toHaveLength(1)
    expect(handled[0]).toMatchObject({
      id,
      type: 'consent.changed',
      data: { customerId: 'C-0001', effectiveState: 'withdrawn' },
    })
  })

  it('refuses a tampered body, a tampered id and a wrong secret as bad-signature', async () => {
    const { deliver, handled } = await setup(verify)
    const signedBody = JSON.stringify({
      type: 'consent.changed',
      id: 'evt_1',
      data: { effectiveState: 'withdrawn' },
    })
    const tamperedBody = await deliver({ signedBody, body: signedBody.replace('withdrawn', 'granted') })
    const tamperedId = await deliver({ id: 'evt_C-0002_1', signedId: 'evt_C-0001_1' })
    const wrongSecret = await deliver({ secret: OTHER_SECRET })
    for (const answer of [tamperedBody, tamperedId, wrongSecret]) {
      expect(answer).toMatchObject({ status: 400, body: { reason: 'bad-signature' } })
    }
    expect(handled).toEqual([])
  })

  it('handles a replayed delivery (the same webhook-id again) only once', async () => {
    const { deliver, handled } = await setup(verify)
    expect((await deliver({ id: 'evt_C-0001_42' })).status).toBe(204)
    expect(await deliver({ id: 'evt_C-0001_42' })).toMatchObject({ status: 200, body: { duplicate: true } })
    expect(handled.map((e) => e.id)).toEqual(['evt_C-0001_42'])
  })

  it('refuses a delivery signed 10 minutes ago as stale and one dated 10 minutes ahead as future', async () => {
    const { deliver, handled } = await setup(verify)
    expect(await deliver({ ageSeconds: 600 })).toMatchObject({ status: 400, body: { reason: 'stale' } })
    expect(await deliver({ ageSeconds: -600 })).toMatchObject({ status: 400, body: { reason: 'future' } })
    expect(handled).toEqual([])
  })

  it('refuses a request without the webhook headers as missing-header', async () => {
    const { url, handled } = await setup(verify)
    const response = await fetch(url, { method: 'POST', body: '{"type":"consent.changed","data":{}}' })
    expect([response.status, await response.json()]).toEqual([400, { reason: 'missing-header' }])
    expect(handled).toEqual([])
  })

  it('accepts a delivery signed during a rotation (two signatures) with either secret', async () => {
    for (const secret of [SECRET, NEXT_SECRET]) {
      const { deliver, handled } = await setup(verify, secret)
      const answer = await deliver({ secret: [SECRET, NEXT_SECRET] })
      expect(answer.status).toBe(204)
      expect(handled).toHaveLength(1)
    }
  })
})
