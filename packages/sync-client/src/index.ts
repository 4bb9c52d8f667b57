export { backoffDelay } from './backoff'
export type {
  CatalogSource,
  CatalogState,
  CatalogWatch,
  CatalogWatchOptions,
  EventSourceClass,
  EventSourceLike,
  KeyValue,
} from './catalog'
export { loadCatalog, watchCatalog } from './catalog'
export type { ConsentHandle, DecisionInput, OpenOptions } from './handle'
export type { NoticeVersionFailure, NoticeVersionOptions, NoticeVersionResult } from './notice-versions'
export { loadNoticeVersion } from './notice-versions'
export { openConsentDoc } from './open'
export { allDurable, countPendingDecisions, mergeDurable, pendingPurposes } from './pending'
export type { ConsentState, PresenceEntry, SyncProblem, SyncStatus } from './state'
export { createConsentState, refreshDocumentState } from './state'
export { refreshDelay, tokenExpiry } from './token'
export type { InPageConnection, SocketClass, SocketLike, Transport } from './transport'
export { inPageTransport, webSocketTransport } from './transport'
