import { type ChainHead, GENESIS } from '@consent-sync/consent-core'
import type Database from 'better-sqlite3'
import { chainAdmin } from '../audit/admin-chain'
import {
  drivingWord,
  mergeFound,
  nameHolds,
  nameWords,
  prefixRange,
  type SearchPlan,
  searchPlan,
  WORD_CANDIDATES,
} from '../directory/search-keys'
import * as catalogRows from './catalog-rows'
import type { AdminEntry, AdminRecord } from './catalog-store'
import type { CustomerRecord, Directory, UpsertCounts, UserRecord, UserSeed } from './directory'
import * as rows from './rows'

/** One directory write as it crosses to the writer thread (structured clone: plain data only). */
export type DirectoryOp =
  | { kind: 'save-user'; user: UserRecord; admin: AdminRecord }
  | { kind: 'upsert-user'; user: UserSeed; now: string }
  | { kind: 'upsert-customers'; customers: readonly CustomerRecord[] }

/** What each op answers: the admin entry, the counts, nothing. */
export type DirectoryReply = AdminEntry | UpsertCounts | null

/** How long the substring fallback may scan before it answers what it found (the event loop waits). */
const FALLBACK_BUDGET_MS = 10
/** Rows one fallback step scans, by rowid range: a few milliseconds each. */
const FALLBACK_CHUNK = 5_000

const bool = (b: boolean) => (b ? 1 : 0)
const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ')

/**
 * The customer writes on one connection, inside the caller's transaction: each customer's row and
 * its name's words, stored only when something changed.
 */
export function sqliteCustomerWrites(
  db: Database.Database,
): (batch: readonly CustomerRecord[]) => UpsertCounts {
  const s = {
    get: db.prepare<[string], rows.CustomerRow>(
      `SELECT ${rows.CUSTOMER_COLUMNS} FROM customers WHERE id = ?`,
    ),
    insert: db.prepare(`INSERT INTO customers (${rows.CUSTOMER_WRITE_COLUMNS}) VALUES (${placeholders(7)})`),
    update: db.prepare(
      `UPDATE customers SET name = ?, phone = ?, email = ?, account_number = ?, phone_digits = ?,
       phone_reversed = ? WHERE id = ?`,
    ),
    dropWord: db.prepare<[string, string]>('DELETE FROM customer_words WHERE word = ? AND customer_id = ?'),
    addWord: db.prepare<[string, string]>(
      'INSERT OR IGNORE INTO customer_words (word, customer_id) VALUES (?, ?)',
    ),
  }
  const addWords = (c: CustomerRecord) => {
    for (const w of nameWords(c.name)) s.addWord.run(w, c.id)
  }
  return (batch) => {
    const changes = rows.customerChanges(batch, (id) => s.get.get(id))
    for (const c of changes.inserts) {
      s.insert.run(rows.customerValues(c))
      addWords(c)
    }
    for (const { customer, formerName } of changes.updates) {
      const [id, ...rest] = rows.customerValues(customer)
      s.update.run([...rest, id])
      if (formerName !== undefined) {
        for (const w of nameWords(formerName)) s.dropWord.run(w, customer.id)
        addWords(customer)
      }
    }
    return rows.countsOf(changes)
  }
}

/**
 * The directory writes of the SQLite store, each one IMMEDIATE transaction; `save-user` chains its
 * admin entry onto the head read inside it, as the catalog writes do (sqlite-catalog.ts). Runs
 * where the appends run (the writer thread, or inline).
 */
export function sqliteDirectoryWrites(db: Database.Database): (op: DirectoryOp) => DirectoryReply {
  const s = {
    head: db.prepare<[], ChainHead>('SELECT seq, hash FROM admin_audit ORDER BY seq DESC LIMIT 1'),
    insertAdmin: db.prepare(
      `INSERT INTO admin_audit (${catalogRows.ADMIN_COLUMNS}) VALUES (${placeholders(9)})`,
    ),
    upsertUser: db.prepare(
      `INSERT INTO users (${rows.USER_COLUMNS}) VALUES (${placeholders(9)})
       ON CONFLICT (username) DO UPDATE SET ${rows.USER_UPSERT}`,
    ),
  }
  const customers = sqliteCustomerWrites(db)
  const write = db.transaction((op: DirectoryOp): DirectoryReply => {
    switch (op.kind) {
      case 'save-user': {
        const entry = chainAdmin(s.head.get() ?? GENESIS, op.admin)
        s.upsertUser.run(rows.userValues(op.user, op.admin.at, bool))
        s.insertAdmin.run(catalogRows.adminValues(entry))
        return entry
      }
      case 'upsert-user':
        s.upsertUser.run(rows.userValues(op.user, op.now, bool))
        return null
      case 'upsert-customers':
        return customers(op.customers)
    }
  })
  // IMMEDIATE takes the write lock up front, so the head read is the one this entry follows.
  return (op) => write.immediate(op)
}

/** A second connection to the store's file, for a long import that must not hold the store's own. */
export type OpenConnection = () => { db: Database.Database; close: () => void }

/** The directory of the SQLite store: reads on its connection, writes posted to where writes run. */
export function sqliteDirectory(
  db: Database.Database,
  write: (op: DirectoryOp) => Promise<DirectoryReply>,
  importConnection: OpenConnection,
): Directory {
  const prepare = () => ({
    customer: db.prepare<[string], rows.CustomerRow>(
      `SELECT ${rows.CUSTOMER_COLUMNS} FROM customers WHERE id = ?`,
    ),
    byId: db.prepare<[string, string, number], rows.CustomerRow>(
      `SELECT ${rows.CUSTOMER_COLUMNS} FROM customers
       WHERE id >= ? COLLATE NOCASE AND id < ? COLLATE NOCASE ORDER BY id COLLATE NOCASE LIMIT ?`,
    ),
    byPhone: db.prepare<[string, string, number], rows.CustomerRow>(
      `SELECT ${rows.CUSTOMER_COLUMNS} FROM customers
       WHERE phone_digits >= ? AND phone_digits < ? ORDER BY phone_digits LIMIT ?`,
    ),
    byPhoneEnd: db.prepare<[string, string, number], rows.CustomerRow>(
      `SELECT ${rows.CUSTOMER_COLUMNS} FROM customers
       WHERE phone_reversed >= ? AND phone_reversed < ? ORDER BY phone_reversed LIMIT ?`,
    ),
    byWord: db.prepare<[string, string, number], rows.CustomerRow>(
      `SELECT ${rows.CUSTOMER_COLUMNS.split(', ')
        .map((c) => `c.${c}`)
        .join(', ')}
       FROM customer_words w JOIN customers c ON c.id = w.customer_id
       WHERE w.word >= ? AND w.word < ? ORDER BY w.word, w.customer_id LIMIT ?`,
    ),
    byWordHolding: db.prepare<[string, string, number, string, number], rows.CustomerRow>(
      `SELECT ${rows.CUSTOMER_COLUMNS.split(', ')
        .map((c) => `c.${c}`)
        .join(', ')}
       FROM (SELECT customer_id FROM customer_words WHERE word >= ? AND word < ? ORDER BY word, customer_id LIMIT ?) w
       JOIN customers c ON c.id = w.customer_id
       WHERE c.name LIKE ? ESCAPE '\\' LIMIT ?`,
    ),
    wordCount: db.prepare<[string, string, number], { n: number }>(
      'SELECT count(*) AS n FROM (SELECT 1 FROM customer_words WHERE word >= ? AND word < ? LIMIT ?)',
    ),
    lastRowid: db.prepare<[], { last: number | null }>('SELECT max(rowid) AS last FROM customers'),
    scan: db.prepare<
      [{ after: number; upto: number; like: string; digits: string; limit: number }],
      rows.CustomerRow
    >(
      `SELECT ${rows.CUSTOMER_COLUMNS} FROM customers
       WHERE rowid > @after AND rowid <= @upto
         AND (id LIKE @like ESCAPE '\\' OR name LIKE @like ESCAPE '\\'
           OR (@digits <> '' AND instr(phone_digits, @digits) > 0))
       LIMIT @limit`,
    ),
    user: db.prepare<[string], rows.UserRow>(`SELECT ${rows.USER_COLUMNS} FROM users WHERE username = ?`),
    users: db.prepare<[], rows.UserRow>(`SELECT ${rows.USER_COLUMNS} FROM users ORDER BY username`),
    anyDemoUser: db.prepare<[], { found: number }>('SELECT 1 AS found FROM users WHERE demo = 1 LIMIT 1'),
  })
  let prepared: ReturnType<typeof prepare> | null = null
  // The tables exist only once `migrate` has run.
  const s = () => {
    prepared ??= prepare()
    return prepared
  }

  /** The query anywhere in the id, the name or the digits, scanning until `limit` or the budget. */
  const scanFor = (q: string, digits: string, limit: number): rows.CustomerRow[] => {
    const last = s().lastRowid.get()?.last ?? 0
    const like = `%${rows.escapeLike(q)}%`
    const found: rows.CustomerRow[] = []
    const started = performance.now()
    for (let after = 0; after < last && found.length < limit; after += FALLBACK_CHUNK) {
      found.push(
        ...s().scan.all({ after, upto: after + FALLBACK_CHUNK, like, digits, limit: limit - found.length }),
      )
      if (performance.now() - started > FALLBACK_BUDGET_MS) break
    }
    return found
  }

  /**
   * Names by their words: one word read to `limit`; of several, the rarest read (to a bound) for
   * names holding the whole query. `known`: some word of the query starts a word of some name.
   */
  const byNameWords = (plan: SearchPlan, limit: number): { found: rows.CustomerRow[]; known: boolean } => {
    const [only] = plan.words
    if (only === undefined) return { found: [], known: false }
    if (plan.words.length === 1) {
      const { lo, hi } = prefixRange(only)
      const found = s().byWord.all(lo, hi, limit)
      return { found: found.filter((c) => nameHolds(c.name, plan)), known: found.length > 0 }
    }
    const counts = plan.words.map((word) => {
      const { lo, hi } = prefixRange(word)
      return { word, n: s().wordCount.get(lo, hi, WORD_CANDIDATES)?.n ?? 0 }
    })
    const driver = drivingWord(counts)
    if (!driver || driver.n === 0) return { found: [], known: counts.some((c) => c.n > 0) }
    const { lo, hi } = prefixRange(driver.word)
    const like = `%${rows.escapeLike(plan.lowered)}%`
    const found = s().byWordHolding.all(lo, hi, WORD_CANDIDATES, like, limit)
    return { found: found.filter((c) => nameHolds(c.name, plan)), known: true }
  }

  const search = (q: string, limit: number): CustomerRecord[] => {
    const plan = searchPlan(q)
    const range = (prefix: string) => prefixRange(prefix)
    const parts: rows.CustomerRow[][] = []
    if (plan.idPrefix !== undefined) {
      const { lo, hi } = range(plan.idPrefix)
      parts.push(s().byId.all(lo, hi, limit))
    }
    for (const p of plan.phonePrefixes) {
      const { lo, hi } = range(p)
      parts.push(s().byPhone.all(lo, hi, limit))
    }
    if (plan.phoneSuffix !== undefined) {
      const { lo, hi } = range(plan.phoneSuffix)
      parts.push(s().byPhoneEnd.all(lo, hi, limit))
    }
    const byWords = byNameWords(plan, limit)
    parts.push(byWords.found)
    // Only a query no index knows at all is looked for inside words (`erei`, `%`).
    if (parts.every((p) => p.length === 0) && !byWords.known && q !== '') {
      parts.push(scanFor(q, plan.phonePrefixes[0] ?? '', limit))
    }
    return mergeFound(parts, limit).map(rows.toCustomer)
  }

  return {
    upsertCustomer: async (c) => void (await write({ kind: 'upsert-customers', customers: [c] })),
    upsertCustomers: async (customers) =>
      (await write({ kind: 'upsert-customers', customers })) as UpsertCounts,
    importCustomers: async (batches) => {
      const { db: conn, close } = importConnection()
      const writeBatch = sqliteCustomerWrites(conn)
      let total: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 }
      try {
        // One transaction across awaits: the batches arrive as the file is read.
        conn.exec('BEGIN IMMEDIATE')
        for await (const batch of batches) total = rows.addCounts(total, writeBatch(batch))
        conn.exec('COMMIT')
        return total
      } catch (err) {
        if (conn.inTransaction) conn.exec('ROLLBACK')
        throw err
      } finally {
        close()
      }
    },
    getCustomer: async (id) => {
      const row = s().customer.get(id)
      return row ? rows.toCustomer(row) : undefined
    },
    searchCustomers: async (q, limit) => search(q, limit),
    upsertUser: async (user) =>
      void (await write({ kind: 'upsert-user', user, now: new Date().toISOString() })),
    saveUser: async (user, admin) => (await write({ kind: 'save-user', user, admin })) as AdminEntry,
    findUser: async (username) => {
      const row = s().user.get(username)
      return row ? rows.toUser(row) : undefined
    },
    listUsers: async () => s().users.all().map(rows.toUser),
    hasDemoUsers: async () => s().anyDemoUser.get() !== undefined,
  }
}
