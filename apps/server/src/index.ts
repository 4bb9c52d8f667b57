export type { CreateServerOptions } from './app'
export { createServer } from './app'
export { verifyStore } from './audit/verify'
export type { TokenClaims, VerifiedClaims } from './auth/tokens'
export { signToken, verifyToken } from './auth/tokens'
export type { LiveCatalog } from './catalog/live-catalog'
export { seedCatalog } from './catalog/live-catalog'
export type { Config } from './config'
export { ConfigError, DEMO_JWT_SECRET, loadConfig } from './config'
export type { ServerContext } from './context'
export { DEMO_PASSWORD, seedDemo } from './demo/seed'
export type { BundleCheck, ExportBundle } from './receipts/export-bundle'
export { verifyBundle } from './receipts/export-bundle'
export type { ConsentReceipt } from './receipts/receipt'
export type { Verified, VerifyFailure } from './receipts/signing'
export { verifyReceipt } from './receipts/signing'
export type { KeyRegistry, KeyUse, PublishedKey } from './receipts/signing-keys'
export type { AuditFilter, AuditLog, AuditPage } from './store/audit-log'
export { InvalidCursorError } from './store/audit-log'
export type { AdminEntry, AdminRecord, CatalogStore, CatalogWrite } from './store/catalog-store'
export type { CustomerRecord, Directory, UserRecord } from './store/directory'
export type {
  AppendRequest,
  AppendResult,
  DocumentLog,
  StoredDocument,
  StoredUpdate,
  UpdateMeta,
} from './store/document-log'
export { createPostgresStore } from './store/postgres'
export { createSqliteStore } from './store/sqlite'
export type { Store, StoreLifecycle, StoreUnavailableReason } from './store/store'
export { StoreUnavailableError } from './store/store'
