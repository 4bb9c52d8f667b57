import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): `v1,<base64 HMAC-SHA256>` of
 * `<webhook-id>.<webhook-timestamp>.<body>`, keyed by the secret's bytes (base64 after `whsec_`).
 * The header carries one signature per active secret, space-separated, so a receiver holding
 * either the old or the new secret accepts a delivery during a rotation's overlap.
 */

export const SECRET_PREFIX = 'whsec_'

/** Random bytes of a new secret (the spec asks for 24 to 64). */
const SECRET_BYTES = 32

/** A new endpoint secret: `whsec_` and the base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64')
}

function keyOf(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('a webhook secret starts with whsec_')
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64')
}

/** One `v1,…` signature of the message `id.timestamp.body`. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')
  return `v1,${mac}`
}

/** The `webhook-signature` header: one signature per secret, space-separated. */
export function signatureHeader(
  secrets: readonly string[],
  id: string,
  timestamp: number,
  body: string,
): string {
  return secrets.map((s) => signWebhook(s, id, timestamp, body)).join(' ')
}

export type VerifyFailure = 'missing-header' | 'stale-timestamp' | 'no-matching-signature'

export interface WebhookHeaders {
  'webhook-id'?: string | undefined
  'webhook-timestamp'?: string | undefined
  'webhook-signature'?: string | undefined
}

/**
 * What a receiver does (README "Webhooks"): the timestamp within `toleranceSeconds` of now, and one
 * of the header's signatures equal, in constant time, to the one `secret` gives.
 */
export function verifyWebhook(
  secret: string,
  headers: WebhookHeaders,
  body: string,
  { toleranceSeconds = 300, nowSeconds = Math.floor(Date.now() / 1000) } = {},
): { ok: true } | { ok: false; reason: VerifyFailure } {
  const id = headers['webhook-id']
  const timestamp = Number(headers['webhook-timestamp'])
  const signatures = headers['webhook-signature']
  if (!id || !signatures || !Number.isInteger(timestamp)) return { ok: false, reason: 'missing-header' }
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: 'stale-timestamp' }
  const expected = Buffer.from(signWebhook(secret, id, timestamp, body))
  for (const candidate of signatures.split(' ')) {
    const given = Buffer.from(candidate)
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true }
  }
  return { ok: false, reason: 'no-matching-signature' }
}
