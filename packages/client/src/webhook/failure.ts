/** Why a delivery was refused. */
export const WEBHOOK_FAILURE_REASONS = [
  'missing-header',
  'bad-signature',
  'stale',
  'future',
  'malformed',
] as const

export type WebhookFailureReason = (typeof WEBHOOK_FAILURE_REASONS)[number]

/**
 * A delivery that must not be acted on. Receivers answer it with a 4xx (400 or 401) and log
 * `reason`; the server retries a delivery only while its schedule lasts.
 */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError'
  readonly reason: WebhookFailureReason

  constructor(reason: WebhookFailureReason, message: string) {
    super(message)
    this.reason = reason
  }
}
