/**
 * The parts of Standard Webhooks verification that need no cryptography library: reading the
 * three headers, the signed content, the timestamp window and the event body. verify.ts (WebCrypto)
 * and verify-sync.ts (node:crypto) differ only in how they compute the HMAC.
 */
import { decodeBase64 } from './base64.js'
import type { WebhookEvent } from './event.js'
import { WebhookVerificationError } from './failure.js'
import { readHeader, type WebhookHeaders } from './headers.js'

/** The raw request body, exactly as received: the signature covers these bytes. */
export type WebhookBody = string | Uint8Array

/** A `whsec_…` secret, or several while the receiver moves from one to the next. */
export type WebhookSecret = string | readonly string[]

export interface VerifyOptions {
  /** How far the delivery's timestamp may be from now, either way (default 300 s). */
  toleranceSeconds?: number
  /** The receiver's clock in unix seconds (default: now). */
  nowSeconds?: number
}

export const DEFAULT_TOLERANCE_SECONDS = 5 * 60

const SECRET_PREFIX = 'whsec_'
const TIMESTAMP = /^[0-9]{1,15}$/

export interface Delivery {
  id: string
  timestamp: number
  /** The decoded `v1` signatures; entries of other versions are skipped. */
  signatures: Uint8Array[]
}

/** The HMAC keys of a secret: the base64 after `whsec_` (the prefix may be left off). */
export function secretKeys(secret: WebhookSecret): Uint8Array<ArrayBuffer>[] {
  const secrets = typeof secret === 'string' ? [secret] : secret
  if (secrets.length === 0) throw new TypeError('no webhook secret given')
  return secrets.map((s) => {
    const key = decodeBase64(s.startsWith(SECRET_PREFIX) ? s.slice(SECRET_PREFIX.length) : s)
    // A wrong secret is a configuration bug, not a bad delivery: it must not read as one.
    if (!key || key.length === 0) throw new TypeError('the webhook secret is not whsec_<base64>')
    return key
  })
}

export function readDelivery(headers: WebhookHeaders): Delivery {
  const id = readHeader(headers, 'webhook-id')
  const timestamp = readHeader(headers, 'webhook-timestamp')
  const signature = readHeader(headers, 'webhook-signature')
  for (const [name, value] of [
    ['webhook-id', id],
    ['webhook-timestamp', timestamp],
    ['webhook-signature', signature],
  ] as const) {
    if (value === undefined || value.trim() === '') {
      throw new WebhookVerificationError('missing-header', `no ${name} header`)
    }
  }
  if (!TIMESTAMP.test(timestamp!.trim())) {
    throw new WebhookVerificationError('malformed', 'webhook-timestamp is not unix seconds')
  }
  const signatures: Uint8Array[] = []
  // Entries are space-separated; a proxy that joined repeated headers may have added commas.
  for (const entry of signature!.split(/\s+/)) {
    const [version, value] = entry.replace(/,+$/, '').split(',', 2)
    if (version !== 'v1' || !value) continue
    const bytes = decodeBase64(value)
    if (bytes) signatures.push(bytes)
  }
  return { id: id!.trim(), timestamp: Number(timestamp!.trim()), signatures }
}

/** `${id}.${timestamp}.` followed by the body's bytes. */
export function signedContent(id: string, timestamp: number, body: WebhookBody): Uint8Array<ArrayBuffer> {
  const prefix = new TextEncoder().encode(`${id}.${timestamp}.`)
  const rest = typeof body === 'string' ? new TextEncoder().encode(body) : body
  const content = new Uint8Array(prefix.length + rest.length)
  content.set(prefix, 0)
  content.set(rest, prefix.length)
  return content
}

/** Compares in time that depends on the lengths only, never on where the bytes differ. */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!
  return difference === 0
}

export function matchesAny(expected: readonly Uint8Array[], signatures: readonly Uint8Array[]): boolean {
  let matched = false
  // Every pair is compared (no early exit), so the time does not tell which one matched.
  for (const e of expected) for (const s of signatures) matched = timingSafeEqual(e, s) || matched
  return matched
}

export function checkTimestamp(timestamp: number, options: VerifyOptions): void {
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000)
  if (timestamp < now - tolerance) {
    throw new WebhookVerificationError('stale', `signed ${now - timestamp} s ago, over ${tolerance} s`)
  }
  if (timestamp > now + tolerance) {
    throw new WebhookVerificationError('future', `signed ${timestamp - now} s ahead, over ${tolerance} s`)
  }
}

export function bodyText(body: WebhookBody): string {
  return typeof body === 'string' ? body : new TextDecoder().decode(body)
}

/** The event of a verified delivery; its `id` is the signed `webhook-id`. */
export function parseEvent(delivery: Delivery, body: WebhookBody): WebhookEvent {
  let value: unknown
  try {
    value = JSON.parse(bodyText(body))
  } catch {
    throw new WebhookVerificationError('malformed', 'the body is not JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WebhookVerificationError('malformed', 'the body is not an event object')
  }
  const { type, timestamp, data } = value as Record<string, unknown>
  if (typeof type !== 'string') throw new WebhookVerificationError('malformed', 'the event has no type')
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new WebhookVerificationError('malformed', 'the event has no data object')
  }
  return {
    id: delivery.id,
    type,
    timestamp: typeof timestamp === 'string' ? timestamp : new Date(delivery.timestamp * 1000).toISOString(),
    data,
  } as WebhookEvent
}

export function formatSignatures(signatures: readonly string[]): string {
  return signatures.map((s) => `v1,${s}`).join(' ')
}
