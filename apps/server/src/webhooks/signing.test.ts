import { describe, expect, it } from 'vitest'
import { newWebhookSecret, SECRET_PREFIX, signatureHeader, signWebhook, verifyWebhook } from './signing'

// The Standard Webhooks reference test vector (standard-webhooks/libraries).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
}

describe('Standard Webhooks signatures', () => {
  it('signs the reference vector as the spec does', () => {
    expect(signWebhook(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature)
  })

  it('makes secrets of whsec_ and the base64 of at least 24 random bytes', () => {
    const a = newWebhookSecret()
    expect(a.startsWith(SECRET_PREFIX)).toBe(true)
    expect(Buffer.from(a.slice(SECRET_PREFIX.length), 'base64').length).toBeGreaterThanOrEqual(24)
    expect(newWebhookSecret()).not.toBe(a)
  })

  it('accepts a delivery signed by either of two secrets, and refuses a third, a stale or a changed one', () => {
    const [oldSecret, newSecret, other] = [newWebhookSecret(), newWebhookSecret(), newWebhookSecret()]
    const ts = 1_700_000_000
    const headers = {
      'webhook-id': 'evt_1',
      'webhook-timestamp': String(ts),
      'webhook-signature': signatureHeader([newSecret, oldSecret], 'evt_1', ts, '{"a":1}'),
    }
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2)
    const at = { nowSeconds: ts + 10 }
    expect(verifyWebhook(oldSecret, headers, '{"a":1}', at)).toEqual({ ok: true })
    expect(verifyWebhook(newSecret, headers, '{"a":1}', at)).toEqual({ ok: true })
    expect(verifyWebhook(other, headers, '{"a":1}', at)).toEqual({
      ok: false,
      reason: 'no-matching-signature',
    })
    expect(verifyWebhook(newSecret, headers, '{"a":2}', at)).toEqual({
      ok: false,
      reason: 'no-matching-signature',
    })
    expect(verifyWebhook(newSecret, headers, '{"a":1}', { nowSeconds: ts + 3600 })).toEqual({
      ok: false,
      reason: 'stale-timestamp',
    })
  })
})
