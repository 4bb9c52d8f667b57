import { describe, expect, it } from 'vitest'
import { signWebhookSync, verifyWebhookSignatureSync, verifyWebhookSync } from '../node.js'
import { type WebhookFailureReason, WebhookVerificationError } from './failure.js'
import { signWebhook, verifyWebhook, verifyWebhookSignature } from './verify.js'

// The Standard Webhooks reference vector (standard-webhooks/standard-webhooks,
// libraries/javascript/src/webhook.test.ts, "sign function works").
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
}

const SECRET = 'whsec_c2VjcmV0LW9mLXRoZS1jb25zZW50LXN5bmMtdGVzdHM='
const NOW = 1_800_000_000
const EVENT = {
  type: 'consent.changed',
  id: 'evt_C-0001_7',
  timestamp: '2027-01-15T08:00:00.000Z',
  data: { customerId: 'C-0001', purposeId: 'marketing-sms', state: 'withdrawn', effectiveState: 'withdrawn' },
}

type Flavour = {
  name: string
  sign: (id: string, ts: number, body: string | Uint8Array, secret: string | string[]) => Promise<string>
  verify: typeof verifyWebhook
  verifySignature: typeof verifyWebhookSignature
}

const flavours: Flavour[] = [
  { name: 'WebCrypto', sign: signWebhook, verify: verifyWebhook, verifySignature: verifyWebhookSignature },
  {
    name: 'node:crypto (sync)',
    sign: async (...args) => signWebhookSync(...args),
    verify: async (...args) => verifyWebhookSync(...args),
    verifySignature: async (...args) => verifyWebhookSignatureSync(...args),
  },
]

async function reasonOf(attempt: Promise<unknown>): Promise<WebhookFailureReason | 'accepted'> {
  try {
    await attempt
    return 'accepted'
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason
    throw error
  }
}

describe.each(flavours)('$name', ({ sign, verify, verifySignature }) => {
  it('signs the Standard Webhooks reference vector byte for byte', async () => {
    expect(await sign(VECTOR.id, VECTOR.timestamp, VECTOR.body, VECTOR.secret)).toBe(VECTOR.signature)
  })

  it('verifies the reference vector, with and without the whsec_ prefix', async () => {
    const headers = {
      'webhook-id': VECTOR.id,
      'webhook-timestamp': String(VECTOR.timestamp),
      'webhook-signature': VECTOR.signature,
    }
    for (const secret of [VECTOR.secret, VECTOR.secret.slice('whsec_'.length)]) {
      const delivery = await verifySignature(headers, VECTOR.body, secret, { nowSeconds: VECTOR.timestamp })
      expect(delivery).toMatchObject({ id: VECTOR.id, timestamp: VECTOR.timestamp })
    }
    expect(
      await reasonOf(
        verifySignature(headers, `${VECTOR.body} `, VECTOR.secret, { nowSeconds: VECTOR.timestamp }),
      ),
    ).toBe('bad-signature')
  })

  async function delivery(overrides: { id?: string; timestamp?: number; secret?: string | string[] } = {}) {
    const id = overrides.id ?? EVENT.id
    const timestamp = overrides.timestamp ?? NOW
    const body = JSON.stringify(EVENT)
    const signature = await sign(id, timestamp, body, overrides.secret ?? SECRET)
    return {
      body,
      headers: { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature },
    }
  }

  it('answers the event, its id being the signed webhook-id', async () => {
    const { headers, body } = await delivery()
    const event = await verify(headers, body, SECRET, { nowSeconds: NOW })
    expect(event).toEqual({ id: EVENT.id, type: EVENT.type, timestamp: EVENT.timestamp, data: EVENT.data })
  })

  it('reads headers from a Headers, from any-case names, and bodies as bytes', async () => {
    const { headers, body } = await delivery()
    const mixed = {
      'Webhook-Id': headers['webhook-id'],
      'WEBHOOK-TIMESTAMP': headers['webhook-timestamp'],
      'webhook-Signature': [headers['webhook-signature']],
    }
    const bytes = new TextEncoder().encode(body)
    for (const h of [new Headers(headers), mixed]) {
      for (const b of [body, bytes, Buffer.from(body)]) {
        expect((await verify(h, b, SECRET, { nowSeconds: NOW })).id).toBe(EVENT.id)
      }
    }
  })

  it('accepts any one matching signature among several, and a receiver holding either secret', async () => {
    const next = 'whsec_bmV4dC1zZWNyZXQtb2YtdGhlLXJvdGF0aW9uLXRlc3Q='
    const { headers, body } = await delivery({ secret: [SECRET, next] })
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2)
    for (const secret of [SECRET, next, [next, SECRET]]) {
      expect((await verify(headers, body, secret, { nowSeconds: NOW })).id).toBe(EVENT.id)
    }
    const junk = `v2,${'A'.repeat(44)} v1,not-base64! v1,${'A'.repeat(44)}`
    const single = await delivery()
    const mixedHeaders = {
      ...single.headers,
      'webhook-signature': `${junk} ${single.headers['webhook-signature']}`,
    }
    expect((await verify(mixedHeaders, single.body, SECRET, { nowSeconds: NOW })).id).toBe(EVENT.id)
  })

  it('refuses with a reason', async () => {
    const good = await delivery()
    const cases: [string, Promise<unknown>, WebhookFailureReason][] = [
      [
        'no id',
        verify({ ...good.headers, 'webhook-id': '' }, good.body, SECRET, { nowSeconds: NOW }),
        'missing-header',
      ],
      [
        'no signature',
        verify({ 'webhook-id': EVENT.id, 'webhook-timestamp': String(NOW) }, good.body, SECRET, {
          nowSeconds: NOW,
        }),
        'missing-header',
      ],
      [
        'a timestamp not in unix seconds',
        verify({ ...good.headers, 'webhook-timestamp': '2027-01-15T08:00:00Z' }, good.body, SECRET),
        'malformed',
      ],
      [
        'a tampered body',
        verify(good.headers, good.body.replace('withdrawn', 'granted'), SECRET, { nowSeconds: NOW }),
        'bad-signature',
      ],
      [
        'a cut signature',
        verify(
          { ...good.headers, 'webhook-signature': good.headers['webhook-signature'].slice(0, 8) },
          good.body,
          SECRET,
          { nowSeconds: NOW },
        ),
        'bad-signature',
      ],
      [
        'only other versions',
        verify(
          { ...good.headers, 'webhook-signature': good.headers['webhook-signature'].replace('v1,', 'v2,') },
          good.body,
          SECRET,
          { nowSeconds: NOW },
        ),
        'bad-signature',
      ],
      ['301 s old', verify(good.headers, good.body, SECRET, { nowSeconds: NOW + 301 }), 'stale'],
      ['301 s ahead', verify(good.headers, good.body, SECRET, { nowSeconds: NOW - 301 }), 'future'],
      [
        'a tolerance of 10 s',
        verify(good.headers, good.body, SECRET, { nowSeconds: NOW + 11, toleranceSeconds: 10 }),
        'stale',
      ],
    ]
    // Made all at once and read one by one: each is marked handled now, so a refusal that settles
    // before its turn is not reported as unhandled.
    for (const [, attempt] of cases) attempt.catch(() => {})
    for (const [name, attempt, reason] of cases)
      expect([name, await reasonOf(attempt)]).toEqual([name, reason])
    expect(await reasonOf(verify(good.headers, good.body, SECRET, { nowSeconds: NOW + 300 }))).toBe(
      'accepted',
    )
    expect(await reasonOf(verify(good.headers, good.body, SECRET, { nowSeconds: NOW - 300 }))).toBe(
      'accepted',
    )
  })

  it('refuses an authentic body that is not an event as malformed', async () => {
    for (const body of ['not json', '[1]', '{"type":"consent.changed"}', '{"data":{}}']) {
      const headers = {
        'webhook-id': 'msg_1',
        'webhook-timestamp': String(NOW),
        'webhook-signature': await sign('msg_1', NOW, body, SECRET),
      }
      expect(await reasonOf(verify(headers, body, SECRET, { nowSeconds: NOW }))).toBe('malformed')
    }
  })

  it('throws a TypeError, not a verification failure, for a secret that is not base64', async () => {
    const good = await delivery()
    await expect(verify(good.headers, good.body, 'whsec_???', { nowSeconds: NOW })).rejects.toThrow(TypeError)
  })
})
