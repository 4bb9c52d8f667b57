/** The synchronous twins of verify.ts, on node:crypto (Node only: exported from `./node`). */
import { createHmac } from 'node:crypto'
import {
  checkTimestamp,
  type Delivery,
  formatSignatures,
  matchesAny,
  parseEvent,
  readDelivery,
  secretKeys,
  signedContent,
  type VerifyOptions,
  type WebhookBody,
  type WebhookSecret,
} from './delivery.js'
import type { WebhookEvent } from './event.js'
import { WebhookVerificationError } from './failure.js'
import type { WebhookHeaders } from './headers.js'

function hmac(key: Uint8Array, content: Uint8Array): Buffer {
  return createHmac('sha256', key).update(content).digest()
}

export function verifyWebhookSignatureSync(
  headers: WebhookHeaders,
  rawBody: WebhookBody,
  secret: WebhookSecret,
  options: VerifyOptions = {},
): Delivery {
  const keys = secretKeys(secret)
  const delivery = readDelivery(headers)
  const content = signedContent(delivery.id, delivery.timestamp, rawBody)
  if (
    !matchesAny(
      keys.map((key) => hmac(key, content)),
      delivery.signatures,
    )
  ) {
    throw new WebhookVerificationError('bad-signature', 'no signature matches the secret')
  }
  checkTimestamp(delivery.timestamp, options)
  return delivery
}

export function verifyWebhookSync(
  headers: WebhookHeaders,
  rawBody: WebhookBody,
  secret: WebhookSecret,
  options: VerifyOptions = {},
): WebhookEvent {
  return parseEvent(verifyWebhookSignatureSync(headers, rawBody, secret, options), rawBody)
}

export function signWebhookSync(
  id: string,
  timestamp: number | Date,
  body: WebhookBody,
  secret: WebhookSecret,
): string {
  const seconds = typeof timestamp === 'number' ? timestamp : Math.floor(timestamp.getTime() / 1000)
  const content = signedContent(id, seconds, body)
  return formatSignatures(secretKeys(secret).map((key) => hmac(key, content).toString('base64')))
}
