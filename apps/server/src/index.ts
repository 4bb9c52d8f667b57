export type { CreateServerOptions } from './app'
export { createServer } from './app'
export { verifyStore } from './audit/verify'
export type { TokenClaims, VerifiedClaims } from './auth/tokens'
export { signToken, verifyToken } from './auth/tokens'
export type { Config } from './config'
export { ConfigError, DEMO_JWT_SECRET, loadConfig } from './config'
export type { ServerContext } from './context'
export { DEMO_PASSWORD, seedDemo } from './demo/seed'
export { createPostgresStore } from './store/postgres'
export { createSqliteStore } from './store/sqlite'
export type {
  AppendRequest,
  AppendResult,
  AuditFilter,
  AuditPage,
  CustomerRecord,
  Store,
  StoredDocument,
  StoredUpdate,
  StoreUnavailableReason,
  UpdateMeta,
  UserRecord,
} from './store/types'
export { InvalidCursorError, StoreUnavailableError } from './store/types'
