export type {
  AllowedRow,
  CheckRequest,
  CheckResponse,
  CheckResult,
  ConsentsResponse,
  CustomerConsent,
  Problem,
} from './api.js'
export type { AllowedList, AllowedOptions, ClientOptions, ConsentSyncClient } from './http/client.js'
export { AS_OF_HEADER, CHECK_BATCH_SIZE, createClient } from './http/client.js'
export type { ConsentSyncErrorCode } from './http/error.js'
export { ConsentSyncError } from './http/error.js'
export type { ReplayGuard, ReplayGuardOptions } from './replay-guard.js'
export { createReplayGuard } from './replay-guard.js'
export type { Delivery, VerifyOptions, WebhookBody, WebhookSecret } from './webhook/delivery.js'
export { DEFAULT_TOLERANCE_SECONDS } from './webhook/delivery.js'
export type {
  ConsentEventData,
  ConsentWebhookEvent,
  OtherWebhookEvent,
  WebhookEvent,
  WebhookEventType,
} from './webhook/event.js'
export { isConsentEvent } from './webhook/event.js'
export type { WebhookFailureReason } from './webhook/failure.js'
export { WEBHOOK_FAILURE_REASONS, WebhookVerificationError } from './webhook/failure.js'
export type { WebhookHeaders } from './webhook/headers.js'
export { signWebhook, verifyWebhook, verifyWebhookSignature } from './webhook/verify.js'
