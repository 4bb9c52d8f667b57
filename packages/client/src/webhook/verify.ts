/** Standard Webhooks verification and signing with WebCrypto: browsers, Node 20+, edge runtimes. */
import { encodeBase64 } from './base64.js'
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

async function hmac(key: Uint8Array<ArrayBuffer>, content: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ])
  return new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, content))
}

/**
 * Checks the signature and the timestamp window of a delivery and answers its headers' id and
 * timestamp; throws a `WebhookVerificationError` otherwise. For bodies that are not events.
 */
export async function verifyWebhookSignature(
  headers: WebhookHeaders,
  rawBody: WebhookBody,
  secret: WebhookSecret,
  options: VerifyOptions = {},
): Promise<Delivery> {
  const keys = secretKeys(secret)
  const delivery = readDelivery(headers)
  const content = signedContent(delivery.id, delivery.timestamp, rawBody)
  const expected = await Promise.all(keys.map((key) => hmac(key, content)))
  if (!matchesAny(expected, delivery.signatures)) {
    throw new WebhookVerificationError('bad-signature', 'no signature matches the secret')
  }
  // After the signature, so that `stale` and `future` are said only of authentic deliveries.
  checkTimestamp(delivery.timestamp, options)
  return delivery
}

/** Verifies a delivery (see `verifyWebhookSignature`) and answers its event. */
export async function verifyWebhook(
  headers: WebhookHeaders,
  rawBody: WebhookBody,
  secret: WebhookSecret,
  options: VerifyOptions = {},
): Promise<WebhookEvent> {
  return parseEvent(await verifyWebhookSignature(headers, rawBody, secret, options), rawBody)
}

/**
 * The `webhook-signature` value of a delivery: `v1,<base64>`, one entry per secret, as the server
 * sends during a rotation. For testing receivers.
 */
export async function signWebhook(
  id: string,
  timestamp: number | Date,
  body: WebhookBody,
  secret: WebhookSecret,
): Promise<string> {
  const seconds = typeof timestamp === 'number' ? timestamp : Math.floor(timestamp.getTime() / 1000)
  const content = signedContent(id, seconds, body)
  const signatures = await Promise.all(
    secretKeys(secret).map(async (key) => encodeBase64(await hmac(key, content))),
  )
  return formatSignatures(signatures)
}
