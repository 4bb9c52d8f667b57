export type { AcceptContext, AcceptInput, AcceptResult, Changed, Unchanged } from './accept'
export { acceptUpdate } from './accept'
export type { AuditContext, AuditEntry, AuditRecord, ChainHead, ChainProblem, ChainVerdict } from './audit'
export { auditEntriesFor, chain, chainAll, entryHash, GENESIS, GENESIS_HASH, verifyChain } from './audit'
export type { ExportFormat } from './audit-format'
export {
  AUDIT_CSV_HEADER,
  AUDIT_FIELDS,
  AUDIT_RECORD_FIELDS,
  csvField,
  EXPORT_CONTENT_TYPE,
  EXPORT_FORMATS,
  exportFileName,
  exportLine,
} from './audit-format'
export type { Purpose, PurposeCatalog, PurposeStatus } from './catalog'
export {
  COMPILED_CATALOG,
  DEFAULT_CATALOG,
  DEFAULT_CATALOG_PUBLISHED_AT,
  findPurpose,
  isPublishedVersion,
  isRetired,
  versionOf,
} from './catalog'
export type { DecideInput } from './document'
export { decide, decisionsOf, profileOf, readDecisions, readProfile, setProfile } from './document'
export type { ConsentUpdatedEvent } from './feed-event'
export { feedEventOf } from './feed-event'
export type { PurposeState } from './fold'
export { compareHeads, foldAll, foldOne, foldPurpose, groupByPurpose, headsOf } from './fold'
export { canonicalJson, sha256Hex } from './hash'
export type { Limits } from './limits'
export { DEFAULT_LIMITS } from './limits'
export type { NoticeTexts, NoticeVersion, ReconsentPolicy, VersionSummary } from './notice-version'
export { missingLanguages, noticeTextHash, RECONSENT_POLICIES } from './notice-version'
export type { PurposeRecord } from './published-catalog'
export { catalogOf, recordsOf, summaryOf } from './published-catalog'
export type { PurposeReadOut, ReadOutOptions } from './read-out'
export { readOut } from './read-out'
export type {
  Actor,
  ActorRole,
  Channel,
  ConnectionUser,
  Decision,
  DecisionState,
  Language,
  Profile,
  ProfileKey,
  Result,
  UserRole,
} from './types'
export {
  CHANNELS,
  CHANNELS_BY_ROLE,
  DECISION_STATES,
  LANGUAGES,
  PROFILE_FIELDS,
  ROOT_DECISIONS,
  ROOT_PROFILE,
} from './types'
export { ShadowValidator, validateUpdate } from './validate'
export type { Accepted, Rejected, RejectReason, ValidationResult } from './validation-result'
export { writerRole } from './validation-result'
