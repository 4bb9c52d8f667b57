import { type ChainHead, GENESIS } from '@consent-sync/consent-core'
import Database from 'better-sqlite3'
import {
  type AuditRow,
  checkRequest,
  continuesChain,
  decodeCursor,
  digitsOf,
  encodeCursor,
  escapeLike,
  exactEntry,
  headAfter,
  toEntry,
  toUpdate,
  toUser,
  type UpdateRow,
  type UserRow,
} from './rows'
import type {
  AppendRequest,
  AppendResult,
  AuditFilter,
  AuditPage,
  CustomerRecord,
  Store,
  StoredDocument,
} from './types'

/** Bumped with every schema change; `migrate` refuses a file written by a newer version. */
const SCHEMA_VERSION = 1

const SCHEMA = `
CREATE TABLE IF NOT EXISTS documents (
  customer_id TEXT PRIMARY KEY,
  update_seq INTEGER NOT NULL,
  audit_seq INTEGER NOT NULL,
  audit_head TEXT NOT NULL,
  snapshot BLOB,
  snapshot_seq INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE TABLE IF NOT EXISTS updates (
  customer_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  data BLOB NOT NULL,
  received_at TEXT NOT NULL,
  connection_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  user_role TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (customer_id, seq)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  customer_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  purpose_id TEXT NOT NULL,
  decision_id TEXT NOT NULL,
  decision TEXT NOT NULL,
  previous_state TEXT NOT NULL,
  new_state TEXT NOT NULL,
  conflicted INTEGER NOT NULL CHECK (conflicted IN (0, 1)),
  actor_id TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  channel TEXT NOT NULL,
  notice_version TEXT NOT NULL,
  evidence TEXT,
  device_at TEXT NOT NULL,
  received_at TEXT NOT NULL,
  connection_id TEXT NOT NULL,
  update_hash TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  UNIQUE (customer_id, seq)
) STRICT;
CREATE INDEX IF NOT EXISTS audit_by_customer ON audit (customer_id, id);
CREATE INDEX IF NOT EXISTS audit_by_purpose ON audit (purpose_id, id);
CREATE INDEX IF NOT EXISTS audit_by_actor ON audit (actor_id, id);
CREATE INDEX IF NOT EXISTS audit_by_received ON audit (received_at);
CREATE TABLE IF NOT EXISTS customers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  phone TEXT NOT NULL,
  phone_digits TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS users (
  username TEXT PRIMARY KEY,
  id TEXT NOT NULL,
  role TEXT NOT NULL,
  name TEXT NOT NULL,
  customer_id TEXT,
  password_hash TEXT NOT NULL,
  demo INTEGER NOT NULL CHECK (demo IN (0, 1))
) STRICT;
`

const AUDIT_COLUMNS = `id, customer_id, seq, purpose_id, decision_id, decision, previous_state, new_state, conflicted,
  actor_id, actor_role, channel, notice_version, evidence, device_at, received_at, connection_id, update_hash,
  prev_hash, hash`

/** Rows read by `streamAudit` per page. */
const STREAM_PAGE = 500

interface DocumentRow {
  update_seq: number
  audit_seq: number
  audit_head: string
  snapshot: Buffer | null
  snapshot_seq: number
}

function prepareStatements(db: Database.Database) {
  return {
    document: db.prepare<[string], DocumentRow>(
      'SELECT update_seq, audit_seq, audit_head, snapshot, snapshot_seq FROM documents WHERE customer_id = ?',
    ),
    insertDocument: db.prepare<[string, string]>(
      'INSERT INTO documents (customer_id, update_seq, audit_seq, audit_head) VALUES (?, 0, 0, ?)',
    ),
    advanceDocument: db.prepare<[number, number, string, string]>(
      'UPDATE documents SET update_seq = ?, audit_seq = ?, audit_head = ? WHERE customer_id = ?',
    ),
    insertUpdate: db.prepare(
      `INSERT INTO updates (customer_id, seq, data, received_at, connection_id, user_id, user_role, hash)
       VALUES (@customerId, @seq, @data, @receivedAt, @connectionId, @userId, @userRole, @hash)`,
    ),
    insertAudit: db.prepare(
      `INSERT INTO audit (customer_id, seq, purpose_id, decision_id, decision, previous_state, new_state, conflicted,
         actor_id, actor_role, channel, notice_version, evidence, device_at, received_at, connection_id, update_hash,
         prev_hash, hash)
       VALUES (@customerId, @seq, @purposeId, @decisionId, @decision, @previousState, @newState, @conflicted,
         @actorId, @actorRole, @channel, @noticeVersion, @evidence, @deviceAt, @receivedAt, @connectionId, @updateHash,
         @prevHash, @hash)`,
    ),
    updatesAfter: db.prepare<[string, number], UpdateRow>(
      'SELECT * FROM updates WHERE customer_id = ? AND seq > ? ORDER BY seq',
    ),
    saveSnapshot: db.prepare<[Uint8Array, number, string]>(
      'UPDATE documents SET snapshot = ?, snapshot_seq = ? WHERE customer_id = ?',
    ),
    documentIds: db.prepare<[], { customer_id: string }>(
      'SELECT customer_id FROM documents WHERE update_seq > 0 ORDER BY customer_id',
    ),
    chain: db.prepare<[string], AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit WHERE customer_id = ? ORDER BY seq`,
    ),
    upsertCustomer: db.prepare<[string, string, string, string]>(
      `INSERT INTO customers (id, name, phone, phone_digits) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, phone = excluded.phone, phone_digits = excluded.phone_digits`,
    ),
    customer: db.prepare<[string], CustomerRecord>('SELECT id, name, phone FROM customers WHERE id = ?'),
    searchCustomers: db.prepare<[{ like: string; digits: string; limit: number }], CustomerRecord>(
      `SELECT id, name, phone FROM customers
       WHERE id LIKE @like ESCAPE '\\' OR name LIKE @like ESCAPE '\\'
         OR (@digits <> '' AND instr(phone_digits, @digits) > 0)
       ORDER BY id LIMIT @limit`,
    ),
    upsertUser: db.prepare(
      `INSERT INTO users (username, id, role, name, customer_id, password_hash, demo)
       VALUES (@username, @id, @role, @name, @customerId, @passwordHash, @demo)
       ON CONFLICT (username) DO UPDATE SET id = excluded.id, role = excluded.role, name = excluded.name,
         customer_id = excluded.customer_id, password_hash = excluded.password_hash, demo = excluded.demo`,
    ),
    user: db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?'),
    anyDemoUser: db.prepare<[], { found: number }>('SELECT 1 AS found FROM users WHERE demo = 1 LIMIT 1'),
  }
}

/** The embedded store: one SQLite file in WAL mode (DESIGN.md §8). */
export function createSqliteStore(opts: { path: string; synchronous?: 'FULL' | 'NORMAL' }): Store {
  const db = new Database(opts.path)
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${opts.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`)
  db.pragma('busy_timeout = 5000')

  // Prepared on first use: the tables exist only once `migrate` has run.
  let prepared: ReturnType<typeof prepareStatements> | null = null
  const stmts = () => {
    prepared ??= prepareStatements(db)
    return prepared
  }
  const queries = new Map<string, Database.Statement<unknown[], AuditRow>>()

  const appendAll = db.transaction((requests: readonly AppendRequest[]): AppendResult[] => {
    const s = stmts()
    return requests.map((request): AppendResult => {
      checkRequest(request)
      const { customerId, update, meta, entries, expectedSeq } = request
      let doc = s.document.get(customerId)
      if (!doc) {
        s.insertDocument.run(customerId, GENESIS.hash)
        doc = { update_seq: 0, audit_seq: 0, audit_head: GENESIS.hash, snapshot: null, snapshot_seq: 0 }
      }
      const head = { seq: doc.audit_seq, hash: doc.audit_head }
      if ((expectedSeq !== undefined && doc.update_seq !== expectedSeq) || !continuesChain(head, entries)) {
        return { customerId, seq: doc.update_seq, behind: true }
      }
      const seq = doc.update_seq + 1
      s.insertUpdate.run({ ...meta, customerId, seq, data: update })
      // A non-boolean binds NULL and fails NOT NULL rather than being stored as a guess.
      for (const e of entries.map(exactEntry))
        s.insertAudit.run({ ...e, conflicted: typeof e.conflicted === 'boolean' ? +e.conflicted : null })
      const next = headAfter(head, entries)
      s.advanceDocument.run(seq, next.seq, next.hash, customerId)
      return { customerId, seq }
    })
  })

  // One read transaction, so the snapshot and its tail come from the same state of the file.
  const loadTx = db.transaction((customerId: string): StoredDocument => {
    const doc = stmts().document.get(customerId)
    const snapshotSeq = doc?.snapshot_seq ?? 0
    return {
      customerId,
      snapshot: doc?.snapshot ? new Uint8Array(doc.snapshot) : null,
      snapshotSeq,
      tail: stmts().updatesAfter.all(customerId, snapshotSeq).map(toUpdate),
      head: doc ? { seq: doc.audit_seq, hash: doc.audit_head } : GENESIS,
    }
  })

  const snapshotTx = db.transaction((customerId: string, snapshot: Uint8Array, uptoSeq: number) => {
    const doc = stmts().document.get(customerId)
    if (!Number.isInteger(uptoSeq) || uptoSeq < 1 || !doc || uptoSeq > doc.update_seq) {
      throw new RangeError(`snapshot of ${customerId} up to seq ${uptoSeq}: no such update`)
    }
    // A newer snapshot may have been stored meanwhile; keep it.
    if (uptoSeq >= doc.snapshot_seq) stmts().saveSnapshot.run(snapshot, uptoSeq, customerId)
  })

  function queryAuditSync(filter: AuditFilter): AuditPage {
    if (!Number.isInteger(filter.limit) || filter.limit < 1)
      throw new RangeError(`bad page size ${filter.limit}`)
    const where: string[] = []
    const params: (string | number)[] = []
    const add = (clause: string, value: string | number | undefined) => {
      if (value === undefined) return
      where.push(clause)
      params.push(value)
    }
    add('customer_id = ?', filter.customerId)
    add('purpose_id = ?', filter.purposeId)
    add('actor_id = ?', filter.actorId)
    add('received_at >= ?', filter.from)
    add('received_at < ?', filter.to)
    add('id < ?', filter.cursor === undefined ? undefined : decodeCursor(filter.cursor))
    const sql = `SELECT ${AUDIT_COLUMNS} FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY id DESC LIMIT ?`
    let stmt = queries.get(sql)
    if (!stmt) {
      stmt = db.prepare<unknown[], AuditRow>(sql)
      queries.set(sql, stmt)
    }
    // One row past the page tells whether another page follows.
    const rows = stmt.all(...params, filter.limit + 1)
    const page = rows.slice(0, filter.limit)
    const last = page.at(-1)
    return {
      entries: page.map(toEntry),
      nextCursor: rows.length > filter.limit && last ? encodeCursor(Number(last.id)) : null,
    }
  }

  const store: Store = {
    kind: 'sqlite',

    async migrate() {
      const version = db.pragma('user_version', { simple: true }) as number
      if (version > SCHEMA_VERSION) {
        throw new Error(
          `${opts.path} has schema version ${version}; this server knows up to ${SCHEMA_VERSION}`,
        )
      }
      db.transaction(() => {
        db.exec(SCHEMA)
        db.pragma(`user_version = ${SCHEMA_VERSION}`)
      })()
    },

    async ping() {
      db.prepare('SELECT 1').get()
    },

    async close() {
      if (db.open) db.close()
    },

    async append(requests) {
      // IMMEDIATE takes the write lock up front, so busy_timeout applies if another process writes.
      return appendAll.immediate(requests)
    },

    async loadDocument(customerId) {
      return loadTx(customerId)
    },

    async updatesSince(customerId, afterSeq) {
      return stmts().updatesAfter.all(customerId, afterSeq).map(toUpdate)
    },

    async updateSeq(customerId) {
      return stmts().document.get(customerId)?.update_seq ?? 0
    },

    async saveSnapshot(customerId, snapshot, uptoSeq) {
      snapshotTx.immediate(customerId, snapshot, uptoSeq)
    },

    async documentIds() {
      return stmts()
        .documentIds.all()
        .map((r) => r.customer_id)
    },

    async chainHead(customerId): Promise<ChainHead> {
      const doc = stmts().document.get(customerId)
      return doc ? { seq: doc.audit_seq, hash: doc.audit_head } : GENESIS
    },

    async auditChain(customerId) {
      return stmts().chain.all(customerId).map(toEntry)
    },

    async queryAudit(filter) {
      return queryAuditSync(filter)
    },

    async *streamAudit(filter) {
      let cursor: string | null | undefined
      do {
        const page = queryAuditSync(
          cursor ? { ...filter, cursor, limit: STREAM_PAGE } : { ...filter, limit: STREAM_PAGE },
        )
        yield* page.entries
        cursor = page.nextCursor
      } while (cursor !== null)
    },

    async upsertCustomer(c) {
      stmts().upsertCustomer.run(c.id, c.name, c.phone, digitsOf(c.phone))
    },

    async getCustomer(id) {
      return stmts().customer.get(id)
    },

    async searchCustomers(q, limit) {
      const like = `%${escapeLike(q)}%`
      // ASCII LIKE is case-insensitive in SQLite; phone numbers compare as digits only.
      return stmts().searchCustomers.all({ like, digits: digitsOf(q), limit })
    },

    async upsertUser(u) {
      stmts().upsertUser.run({ ...u, customerId: u.customerId ?? null, demo: u.demo ? 1 : 0 })
    },

    async findUser(username) {
      const row = stmts().user.get(username)
      return row ? toUser(row) : undefined
    },

    async hasDemoUsers() {
      return stmts().anyDemoUser.get() !== undefined
    },
  }
  return store
}
