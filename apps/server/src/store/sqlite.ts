import type Database from 'better-sqlite3'
import type { AuditLog } from './audit-log'
import { auditPage, auditPageQuery, streamPages } from './audit-query'
import type { CatalogWrite } from './catalog-store'
import type { AppendRequest, AppendResult, DocumentLog } from './document-log'
import * as rows from './rows'
import { sqliteAnalytics, sqliteAnalyticsWrites } from './sqlite-analytics'
import {
  type CatalogOp,
  catalogWriteMethods,
  sqliteCatalogReads,
  sqliteCatalogWrites,
} from './sqlite-catalog'
import {
  type DirectoryOp,
  type DirectoryReply,
  sqliteDirectory,
  sqliteDirectoryWrites,
} from './sqlite-directory'
import { type DownstreamOp, sqliteDownstream, sqliteDownstreamWrites } from './sqlite-downstream'
import { openSqlite, type SqliteFileOptions } from './sqlite-open'
import { migrateSqlite } from './sqlite-schema'
import {
  sqliteWebhookReads,
  sqliteWebhookWrites,
  type WebhookOp,
  type WebhookReply,
  webhookWriteMethods,
} from './sqlite-webhooks'
import { SqliteWriter } from './sqlite-writer'
import { type SqliteWrites, sqliteWrites } from './sqlite-writes'
import type { Store, StoreLifecycle } from './store'

function prepareStatements(db: Database.Database) {
  return {
    document: db.prepare<[string], rows.DocumentRow>(
      'SELECT update_seq, audit_seq, audit_head, snapshot, snapshot_seq FROM documents WHERE customer_id = ?',
    ),
    updatesAfter: db.prepare<[string, number], rows.UpdateRow>(
      `SELECT ${rows.UPDATE_COLUMNS} FROM updates WHERE customer_id = ? AND seq > ? ORDER BY seq`,
    ),
    // The first update received after the instant ends the replay (seq order, never device clocks).
    updatesReceivedBy: db.prepare<[string, string, string], rows.UpdateRow>(
      `SELECT ${rows.UPDATE_COLUMNS} FROM updates WHERE customer_id = ? AND seq < COALESCE(
         (SELECT MIN(seq) FROM updates WHERE customer_id = ? AND received_at > ?), 9223372036854775807)
       ORDER BY seq`,
    ),
    documentIds: db.prepare<[], { customer_id: string }>(
      'SELECT customer_id FROM documents WHERE update_seq > 0 ORDER BY customer_id',
    ),
    chain: db.prepare<[string], rows.AuditRow>(
      `SELECT ${rows.AUDIT_COLUMNS} FROM audit WHERE customer_id = ? ORDER BY seq`,
    ),
    decision: db.prepare<[string, number], rows.AuditRow>(
      `SELECT ${rows.AUDIT_COLUMNS} FROM audit WHERE decision_id = ? ORDER BY customer_id, seq LIMIT ?`,
    ),
  }
}

type Statements = ReturnType<typeof prepareStatements>

/** How much of the file the reading connection maps (SQLite's `mmap_size`). */
const READ_MMAP_BYTES = 256 * 1024 * 1024

/** The import connection's page cache, in KiB as `cache_size` takes it (negative). */
const IMPORT_CACHE_KIB = -256 * 1024

/** Where the writes go: the writer thread, or this thread (an in-memory database, or when asked). */
interface Writes {
  append(requests: readonly AppendRequest[]): Promise<AppendResult[]>
  saveSnapshot(customerId: string, snapshot: Uint8Array, uptoSeq: number): Promise<void>
  catalog(op: CatalogOp): Promise<CatalogWrite>
  directory(op: DirectoryOp): Promise<DirectoryReply>
  downstream(op: DownstreamOp): Promise<number>
  webhook(op: WebhookOp): Promise<WebhookReply>
  analytics(limit: number): Promise<number>
  close(): Promise<void>
}

function inlineWrites(db: Database.Database): Writes {
  let writes: SqliteWrites | null = null
  let catalog: ((op: CatalogOp) => CatalogWrite) | null = null
  let directory: ((op: DirectoryOp) => DirectoryReply) | null = null
  let downstream: ((op: DownstreamOp) => number) | null = null
  let webhook: ((op: WebhookOp) => WebhookReply) | null = null
  let analytics: ((limit: number) => number) | null = null
  // Prepared on first use: the tables exist only once `migrate` has run.
  const w = () => {
    writes ??= sqliteWrites(db)
    return writes
  }
  const c = () => {
    catalog ??= sqliteCatalogWrites(db)
    return catalog
  }
  const d = () => {
    directory ??= sqliteDirectoryWrites(db)
    return directory
  }
  return {
    append: async (requests) => w().append(requests),
    saveSnapshot: async (customerId, snapshot, uptoSeq) => w().saveSnapshot(customerId, snapshot, uptoSeq),
    catalog: async (op) => c()(op),
    directory: async (op) => d()(op),
    downstream: async (op) => {
      downstream ??= sqliteDownstreamWrites(db).op
      return downstream(op)
    },
    webhook: async (op) => {
      webhook ??= sqliteWebhookWrites(db)
      return webhook(op)
    },
    analytics: async (limit) => {
      analytics ??= sqliteAnalyticsWrites(db)
      return analytics(limit)
    },
    close: async () => {},
  }
}

/** Appends of at most this many updates may commit on the event loop (`adaptive`). */
const INLINE_APPEND_MAX = 8

/** SQLite's answer when another connection holds the lock a write needs. */
function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code === 'SQLITE_LOCKED')
}

/**
 * `adaptive`: each append commits where it waits least. A small one, while the writer thread has
 * nothing in flight, on the event loop: its fsync there (~0.3–0.5 ms) costs less than the hand-off
 * to a thread and back when both cores are busy (bench/RESULTS.md: p99 at 500 updates/s a third lower).
 * A large batch in the thread, so the event loop reads and judges meanwhile. Never both at once, so
 * the two connections never wait for each other's lock; and the event loop's connection never waits
 * at all (busy_timeout 0): when another connection holds the lock (an import, a CLI command on the
 * same file), the batch goes to the thread, which waits. Every other write goes to the thread.
 */
function adaptiveWrites(file: Required<SqliteFileOptions>, thread: SqliteWriter): Writes {
  let conn: Database.Database | null = null
  let writes: SqliteWrites | null = null
  // Opened on first use: the tables exist only once `migrate` has run.
  const inline = () => {
    if (!writes) {
      conn = openSqlite(file)
      conn.pragma('busy_timeout = 0')
      writes = sqliteWrites(conn)
    }
    return writes
  }
  return {
    append: async (requests) => {
      if (requests.length <= INLINE_APPEND_MAX && !thread.busy) {
        try {
          return inline().append(requests)
        } catch (err) {
          // Rolled back whole (IMMEDIATE took no lock): the thread waits for it instead.
          if (!isBusy(err)) throw err
        }
      }
      return thread.append(requests)
    },
    saveSnapshot: (customerId, snapshot, uptoSeq) => thread.saveSnapshot(customerId, snapshot, uptoSeq),
    catalog: (op) => thread.catalog(op),
    directory: (op) => thread.directory(op),
    downstream: (op) => thread.downstream(op),
    webhook: (op) => thread.webhook(op),
    analytics: (limit) => thread.analytics(limit),
    close: async () => {
      await thread.close()
      conn?.close()
    },
  }
}

function sqliteDocumentLog(db: Database.Database, stmts: () => Statements, writes: Writes): DocumentLog {
  // One read transaction, so the snapshot and its tail come from the same state of the file.
  const loadTx = db.transaction((customerId: string) => {
    const row = stmts().document.get(customerId)
    return rows.storedDocument(customerId, row, stmts().updatesAfter.all(customerId, row?.snapshot_seq ?? 0))
  })
  return {
    append: (requests) => writes.append(requests),
    loadDocument: async (customerId) => loadTx(customerId),
    updatesSince: async (customerId, afterSeq) =>
      stmts().updatesAfter.all(customerId, afterSeq).map(rows.toUpdate),
    updatesReceivedBy: async (customerId, at) =>
      stmts().updatesReceivedBy.all(customerId, customerId, at).map(rows.toUpdate),
    updateSeq: async (customerId) => stmts().document.get(customerId)?.update_seq ?? 0,
    // In process, a prepared lookup per id is as cheap as one statement for them all.
    updateSeqs: async (customerIds) => customerIds.map((id) => stmts().document.get(id)?.update_seq ?? 0),
    saveSnapshot: (customerId, snapshot, uptoSeq) => writes.saveSnapshot(customerId, snapshot, uptoSeq),
    documentIds: async () =>
      stmts()
        .documentIds.all()
        .map((r) => r.customer_id),
  }
}

function sqliteAuditLog(db: Database.Database, stmts: () => Statements): AuditLog {
  const queries = new Map<string, Database.Statement<unknown[], rows.AuditRow>>()
  const queryAudit: AuditLog['queryAudit'] = async (filter) => {
    const { sql, params } = auditPageQuery('audit', filter, () => '?')
    let stmt = queries.get(sql)
    if (!stmt) {
      stmt = db.prepare<unknown[], rows.AuditRow>(sql)
      queries.set(sql, stmt)
    }
    return auditPage(stmt.all(...params), filter.limit)
  }
  return {
    chainHead: async (customerId) => rows.chainHeadOf(stmts().document.get(customerId)),
    auditChain: async (customerId) => stmts().chain.all(customerId).map(rows.toEntry),
    decisionEntries: async (decisionId, limit) => stmts().decision.all(decisionId, limit).map(rows.toEntry),
    queryAudit,
    streamAudit: (filter) => streamPages(queryAudit, filter),
  }
}

export interface SqliteStoreOptions extends SqliteFileOptions {
  /**
   * Where commits run: `adaptive` (default) small appends on the event loop while the writer
   * thread is idle and everything else in the thread (`adaptiveWrites`); `thread` all in a writer
   * thread with its own connection, so no commit's fsync stalls the event loop; `inline` all on
   * the event loop (an in-memory database always).
   */
  writer?: SqliteWriterMode
}

export type SqliteWriterMode = 'adaptive' | 'thread' | 'inline'

/** The embedded store: one SQLite file in WAL mode (DESIGN.md §8), every part in one object. */
export function createSqliteStore(opts: SqliteStoreOptions): Store {
  const db = openSqlite(opts)
  // Reads map the file instead of copying pages into the connection's cache: a bulk check's
  // 10 000 lookups over a million rows took ~30 % less (bench/RESULTS.md "Downstream reads").
  // Address space only; the OS page cache holds the pages either way.
  if (opts.path !== ':memory:') db.pragma(`mmap_size = ${READ_MMAP_BYTES}`)
  const mode = opts.path === ':memory:' ? 'inline' : (opts.writer ?? 'adaptive')
  const file = { path: opts.path, synchronous: opts.synchronous ?? 'FULL' } as const
  const writes: Writes =
    mode === 'inline'
      ? inlineWrites(db)
      : mode === 'thread'
        ? new SqliteWriter(file)
        : adaptiveWrites(file, new SqliteWriter(file))

  // Prepared on first use: the tables exist only once `migrate` has run.
  let prepared: Statements | null = null
  const stmts = () => {
    prepared ??= prepareStatements(db)
    return prepared
  }
  const lifecycle: StoreLifecycle = {
    kind: 'sqlite',
    migrate: async () => migrateSqlite(db, opts.path),
    ping: async () => void db.prepare('SELECT 1').get(),
    close: async () => {
      await writes.close()
      if (db.open) db.close()
    },
  }
  return {
    ...lifecycle,
    ...sqliteDocumentLog(db, stmts, writes),
    ...sqliteAuditLog(db, stmts),
    ...sqliteDirectory(
      db,
      (op) => writes.directory(op),
      // An import holds the write lock for its whole transaction: on a connection of its own, so
      // the store's reads meanwhile see the customers as they were. An in-memory database has one.
      () => {
        if (opts.path === ':memory:') return { db, close: () => {} }
        const conn = openSqlite({ path: opts.path, synchronous: opts.synchronous ?? 'FULL' })
        // A million rows touch the pages of five B-trees in random order: a page cache that holds
        // them turns most of the writes' page reads into memory reads.
        conn.pragma(`cache_size = ${IMPORT_CACHE_KIB}`)
        return { db: conn, close: () => conn.close() }
      },
    ),
    ...sqliteCatalogReads(db),
    ...catalogWriteMethods((op) => writes.catalog(op)),
    ...sqliteDownstream(db, (op) => writes.downstream(op)),
    ...sqliteWebhookReads(db),
    ...webhookWriteMethods((op) => writes.webhook(op)),
    ...sqliteAnalytics(db, (limit) => writes.analytics(limit)),
  }
}
