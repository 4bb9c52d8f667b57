// The Node-only door: synchronous verification on node:crypto. Everything else is in index.ts,
// which stays free of node: imports so that browsers can load it.
export { signWebhookSync, verifyWebhookSignatureSync, verifyWebhookSync } from './webhook/verify-sync.js'
