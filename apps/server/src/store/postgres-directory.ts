import { type ChainHead, GENESIS } from '@consent-sync/consent-core'
import type { PoolClient } from 'pg'
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
import type { AdminEntry } from './catalog-store'
import type { CustomerRecord, Directory, UpsertCounts } from './directory'
import type { openPool } from './postgres-pool'
import * as rows from './rows'

type Pool = ReturnType<typeof openPool>

export interface DirectoryTables {
  customers: string
  customerWords: string
  users: string
  adminAudit: string
}

/** Rows the substring fallback reads at most (in the table's order): tens of milliseconds. */
const FALLBACK_ROWS = 20_000
const params = (n: number) => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ')

/**
 * The directory on PostgreSQL. Customer writes of every instance take one advisory lock for the
 * schema, so two upserts of the same new id count it once and leave its words right. `saveUser`
 * takes the admin log's lock, the one the catalog writes take (postgres-catalog.ts), and chains
 * its entry onto the head read under it.
 */
export function postgresDirectory(
  { transaction, query }: Pool,
  t: DirectoryTables,
  schema: string,
): Directory {
  // Must be the catalog's key: both chain onto the one admin log.
  const adminLockKey = `consent-sync admin log ${schema}`
  const directoryLockKey = `consent-sync directory ${schema}`
  const columns = rows.CUSTOMER_COLUMNS
  const qualified = (alias: string) =>
    columns
      .split(', ')
      .map((c) => `${alias}.${c}`)
      .join(', ')

  /** One batch inside the caller's transaction (which holds the directory lock). */
  async function writeBatch(client: PoolClient, batch: readonly CustomerRecord[]): Promise<UpsertCounts> {
    const ids = batch.map((c) => c.id)
    const { rows: found } = await client.query<rows.CustomerRow>(
      `SELECT ${columns} FROM ${t.customers} WHERE id = ANY($1::text[])`,
      [ids],
    )
    const stored = new Map(found.map((r) => [r.id, r]))
    const changes = rows.customerChanges(batch, (id) => stored.get(id))
    const written = [...changes.inserts, ...changes.updates.map((u) => u.customer)]
    if (written.length > 0) {
      // Column-wise arrays: one statement for the whole batch, whatever its size.
      const values = written.map(rows.customerValues)
      const column = (i: number) => values.map((v) => v[i])
      await client.query(
        `INSERT INTO ${t.customers} (${rows.CUSTOMER_WRITE_COLUMNS})
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, phone = excluded.phone, email = excluded.email,
           account_number = excluded.account_number, phone_digits = excluded.phone_digits,
           phone_reversed = excluded.phone_reversed`,
        [0, 1, 2, 3, 4, 5, 6].map(column),
      )
    }
    const renamed = changes.updates.filter((u) => u.formerName !== undefined)
    const former = renamed.flatMap((u) =>
      nameWords(u.formerName ?? '').map((w) => [w, u.customer.id] as const),
    )
    if (former.length > 0) {
      await client.query(
        `DELETE FROM ${t.customerWords} w USING unnest($1::text[], $2::text[]) AS f (word, customer_id)
         WHERE w.word = f.word AND w.customer_id = f.customer_id`,
        [former.map((f) => f[0]), former.map((f) => f[1])],
      )
    }
    const words: string[] = []
    const owners: string[] = []
    for (const c of [...changes.inserts, ...renamed.map((u) => u.customer)]) {
      for (const w of nameWords(c.name)) {
        words.push(w)
        owners.push(c.id)
      }
    }
    if (words.length > 0) {
      await client.query(
        `INSERT INTO ${t.customerWords} (word, customer_id) SELECT * FROM unnest($1::text[], $2::text[])
         ON CONFLICT DO NOTHING`,
        [words, owners],
      )
    }
    return rows.countsOf(changes)
  }

  const lockDirectory = (client: PoolClient) =>
    client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [directoryLockKey])

  const range = (sql: string, prefix: string, limit: number) => {
    const { lo, hi } = prefixRange(prefix)
    return query<rows.CustomerRow>(sql, [lo, hi, limit])
  }
  const byId = `SELECT ${columns} FROM ${t.customers} WHERE lower(id) >= $1 AND lower(id) < $2 ORDER BY lower(id) LIMIT $3`
  const byPhone = `SELECT ${columns} FROM ${t.customers}
    WHERE phone_digits COLLATE "C" >= $1 AND phone_digits COLLATE "C" < $2 ORDER BY phone_digits COLLATE "C" LIMIT $3`
  const byPhoneEnd = `SELECT ${columns} FROM ${t.customers}
    WHERE phone_reversed >= $1 AND phone_reversed < $2 ORDER BY phone_reversed LIMIT $3`
  const byWord = `SELECT ${qualified('c')} FROM ${t.customerWords} w JOIN ${t.customers} c ON c.id = w.customer_id
    WHERE w.word >= $1 AND w.word < $2 ORDER BY w.word, w.customer_id LIMIT $3`

  const upsertCustomers = (customers: readonly CustomerRecord[]) =>
    transaction(async (client) => {
      await lockDirectory(client)
      return writeBatch(client, customers)
    })

  const byWordHolding = `SELECT ${qualified('c')}
    FROM (SELECT customer_id FROM ${t.customerWords} WHERE word >= $1 AND word < $2 ORDER BY word, customer_id LIMIT $3) w
    JOIN ${t.customers} c ON c.id = w.customer_id
    WHERE c.name ILIKE $4 ESCAPE '\\' LIMIT $5`

  /**
   * Names by their words: one word read to `limit`; of several, the rarest read (to a bound) for
   * names holding the whole query. `known`: some word of the query starts a word of some name.
   */
  async function byNameWords(
    plan: SearchPlan,
    limit: number,
  ): Promise<{ found: rows.CustomerRow[]; known: boolean }> {
    const [only] = plan.words
    if (only === undefined) return { found: [], known: false }
    if (plan.words.length === 1) {
      const found = await range(byWord, only, limit)
      return { found: found.filter((c) => nameHolds(c.name, plan)), known: found.length > 0 }
    }
    const counts = await Promise.all(
      plan.words.map(async (word) => {
        const { lo, hi } = prefixRange(word)
        const [row] = await query<{ n: number }>(
          `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${t.customerWords} WHERE word >= $1 AND word < $2 LIMIT $3) s`,
          [lo, hi, WORD_CANDIDATES],
        )
        return { word, n: row?.n ?? 0 }
      }),
    )
    const driver = drivingWord(counts)
    if (!driver || driver.n === 0) return { found: [], known: counts.some((c) => c.n > 0) }
    const { lo, hi } = prefixRange(driver.word)
    const found = await query<rows.CustomerRow>(byWordHolding, [
      lo,
      hi,
      WORD_CANDIDATES,
      `%${rows.escapeLike(plan.lowered)}%`,
      limit,
    ])
    return { found: found.filter((c) => nameHolds(c.name, plan)), known: true }
  }

  return {
    async upsertCustomer(c) {
      await upsertCustomers([c])
    },
    upsertCustomers,
    async importCustomers(batches) {
      const counts = await transaction(async (client) => {
        await lockDirectory(client)
        let total: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 }
        for await (const batch of batches) total = rows.addCounts(total, await writeBatch(client, batch))
        return total
      })
      // The planner's statistics still describe the directory before the import (with them a name
      // search at a million rows took a plan 200 times slower), and until a vacuum marks the new
      // pages all-visible, counting a word's names reads the table as well as the index.
      if (counts.inserted + counts.updated > 0)
        await query(`VACUUM (ANALYZE) ${t.customers}, ${t.customerWords}`)
      return counts
    },
    async getCustomer(id) {
      const [row] = await query<rows.CustomerRow>(`SELECT ${columns} FROM ${t.customers} WHERE id = $1`, [id])
      return row ? rows.toCustomer(row) : undefined
    },
    async searchCustomers(q, limit) {
      const plan = searchPlan(q)
      const lookups: Promise<rows.CustomerRow[]>[] = []
      if (plan.idPrefix !== undefined) lookups.push(range(byId, plan.idPrefix, limit))
      for (const p of plan.phonePrefixes) lookups.push(range(byPhone, p, limit))
      if (plan.phoneSuffix !== undefined) lookups.push(range(byPhoneEnd, plan.phoneSuffix, limit))
      const [parts, byWords] = await Promise.all([Promise.all(lookups), byNameWords(plan, limit)])
      parts.push(byWords.found)
      // Only a query no index knows at all is looked for inside words (`erei`, `%`).
      if (parts.every((p) => p.length === 0) && !byWords.known && q !== '') {
        // ILIKE on "C"-collated columns folds ASCII case only, like SQLite's LIKE.
        parts.push(
          await query<rows.CustomerRow>(
            `SELECT ${columns} FROM (SELECT ${columns}, phone_digits FROM ${t.customers} LIMIT $4) c
             WHERE id ILIKE $1 ESCAPE '\\' OR name ILIKE $1 ESCAPE '\\'
               OR ($2 <> '' AND strpos(phone_digits, $2) > 0)
             LIMIT $3`,
            [`%${rows.escapeLike(q)}%`, plan.phonePrefixes[0] ?? '', limit, FALLBACK_ROWS],
          ),
        )
      }
      return mergeFound(parts, limit).map(rows.toCustomer)
    },
    async upsertUser(u) {
      await query(
        `INSERT INTO ${t.users} (${rows.USER_COLUMNS}) VALUES (${params(9)})
         ON CONFLICT (username) DO UPDATE SET ${rows.USER_UPSERT}`,
        rows.userValues(u, new Date().toISOString(), (b) => b),
      )
    },
    async saveUser(user, admin): Promise<AdminEntry> {
      return transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [adminLockKey])
        const { rows: heads } = await client.query<ChainHead>(
          `SELECT seq, hash FROM ${t.adminAudit} ORDER BY seq DESC LIMIT 1`,
        )
        const entry = chainAdmin(heads[0] ?? GENESIS, admin)
        await client.query(
          `INSERT INTO ${t.users} (${rows.USER_COLUMNS}) VALUES (${params(9)})
           ON CONFLICT (username) DO UPDATE SET ${rows.USER_UPSERT}`,
          rows.userValues(user, admin.at, (b) => b),
        )
        await client.query(
          `INSERT INTO ${t.adminAudit} (${catalogRows.ADMIN_COLUMNS}) VALUES (${params(9)})`,
          catalogRows.adminValues(entry),
        )
        return entry
      })
    },
    async findUser(username) {
      const [row] = await query<rows.UserRow>(
        `SELECT ${rows.USER_COLUMNS} FROM ${t.users} WHERE username = $1`,
        [username],
      )
      return row ? rows.toUser(row) : undefined
    },
    async listUsers() {
      const found = await query<rows.UserRow>(
        `SELECT ${rows.USER_COLUMNS} FROM ${t.users} ORDER BY username COLLATE "C"`,
      )
      return found.map(rows.toUser)
    },
    async hasDemoUsers() {
      return (await query(`SELECT 1 FROM ${t.users} WHERE demo LIMIT 1`)).length > 0
    },
  }
}
