import { type AuditEntry, GENESIS } from '@consent-sync/consent-core'
import type { PoolClient } from 'pg'
import { openPool, type PoolOptions } from './postgres-pool'
import { AUDIT_COLUMNS, applyMigrations, checkSchemaName, type DocumentRow } from './postgres-schema'
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
import type { AppendRequest, AppendResult, AuditFilter, AuditPage, CustomerRecord, Store } from './types'

/** Rows read by `streamAudit` per page. */
const STREAM_PAGE = 500

/** Tries of one append when PostgreSQL aborts it for a deadlock or a serialization failure. */
const APPEND_ATTEMPTS = 5

/**
 * The store for many server instances sharing one PostgreSQL database (DESIGN.md §8). Every
 * table lives in `opts.schema` (default `public`), named with the schema in every statement.
 * When PostgreSQL cannot be reached, drops the connection or stops answering, calls fail with a
 * `StoreUnavailableError` within the connect or statement timeout (DESIGN.md §10).
 */
export function createPostgresStore(opts: PoolOptions & { schema?: string }): Store {
  const schema = checkSchemaName(opts.schema ?? 'public')
  const { transaction, rows, end } = openPool(opts)
  let closed = false

  const t = (table: string) => `"${schema}".${table}`
  const documents = t('documents')
  const updates = t('updates')
  const audit = t('audit')
  const customers = t('customers')
  const users = t('users')

  async function appendAll(client: PoolClient, requests: readonly AppendRequest[]): Promise<AppendResult[]> {
    const ids = [...new Set(requests.map((r) => r.customerId))]
    // Lock every customer's head row in one stable order (two instances locking in different
    // orders could deadlock); a customer's first append creates the row so there is one to lock.
    await client.query(
      `INSERT INTO ${documents} (customer_id, update_seq, audit_seq, audit_head)
       SELECT id, 0, 0, $2 FROM unnest($1::text[]) AS u(id) ORDER BY id COLLATE "C"
       ON CONFLICT (customer_id) DO NOTHING`,
      [ids, GENESIS.hash],
    )
    const locked = await client.query<DocumentRow>(
      `SELECT customer_id, update_seq, audit_seq, audit_head FROM ${documents}
       WHERE customer_id = ANY($1::text[]) ORDER BY customer_id FOR UPDATE`,
      [ids],
    )
    const heads = new Map(
      locked.rows.map((r) => [
        r.customer_id,
        { updateSeq: r.update_seq, chain: { seq: r.audit_seq, hash: r.audit_head } },
      ]),
    )

    const results: AppendResult[] = []
    for (const { customerId, entries, expectedSeq } of requests) {
      const head = heads.get(customerId)
      if (!head) throw new Error(`append for ${customerId}: its document row was not locked`)
      if (
        (expectedSeq !== undefined && head.updateSeq !== expectedSeq) ||
        !continuesChain(head.chain, entries)
      ) {
        results.push({ customerId, seq: head.updateSeq, behind: true })
        continue
      }
      head.updateSeq += 1
      head.chain = headAfter(head.chain, entries)
      results.push({ customerId, seq: head.updateSeq })
    }

    const stored = results.flatMap((r, i) => (r.behind ? [] : [{ result: r, request: requests[i]! }]))
    const metas = stored.map((x) => x.request.meta)
    await client.query(
      `INSERT INTO ${updates} (customer_id, seq, data, received_at, connection_id, user_id, user_role, hash)
       SELECT * FROM unnest($1::text[], $2::int[], $3::bytea[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
      [
        stored.map((x) => x.result.customerId),
        stored.map((x) => x.result.seq),
        stored.map((x) => x.request.update),
        metas.map((m) => m.receivedAt),
        metas.map((m) => m.connectionId),
        metas.map((m) => m.userId),
        metas.map((m) => m.userRole),
        metas.map((m) => m.hash),
      ],
    )

    const entries = stored.flatMap((x) => x.request.entries.map(exactEntry))
    if (entries.length > 0) {
      const column = <K extends keyof AuditEntry>(key: K) => entries.map((e) => e[key])
      // Ordered by position, so audit ids (the cursor order) follow the order of the chain.
      await client.query(
        `INSERT INTO ${audit} (customer_id, seq, purpose_id, decision_id, decision, previous_state, new_state,
           conflicted, actor_id, actor_role, channel, notice_version, evidence, device_at, received_at,
           connection_id, update_hash, prev_hash, hash)
         SELECT c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19
         FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
           $8::boolean[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
           $15::text[], $16::text[], $17::text[], $18::text[], $19::text[])
           WITH ORDINALITY AS e(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18,
             c19, position)
         ORDER BY position`,
        [
          column('customerId'),
          column('seq'),
          column('purposeId'),
          column('decisionId'),
          column('decision'),
          column('previousState'),
          column('newState'),
          // A non-boolean binds NULL and fails NOT NULL rather than being stored as a guess.
          entries.map((e) => (typeof e.conflicted === 'boolean' ? e.conflicted : null)),
          column('actorId'),
          column('actorRole'),
          column('channel'),
          column('noticeVersion'),
          column('evidence'),
          column('deviceAt'),
          column('receivedAt'),
          column('connectionId'),
          column('updateHash'),
          column('prevHash'),
          column('hash'),
        ],
      )
    }

    await client.query(
      `UPDATE ${documents} AS d SET update_seq = v.update_seq, audit_seq = v.audit_seq, audit_head = v.audit_head
       FROM unnest($1::text[], $2::int[], $3::int[], $4::text[]) AS v(customer_id, update_seq, audit_seq, audit_head)
       WHERE d.customer_id = v.customer_id`,
      [
        [...heads.keys()],
        [...heads.values()].map((h) => h.updateSeq),
        [...heads.values()].map((h) => h.chain.seq),
        [...heads.values()].map((h) => h.chain.hash),
      ],
    )
    return results
  }

  async function queryAudit(filter: AuditFilter): Promise<AuditPage> {
    if (!Number.isInteger(filter.limit) || filter.limit < 1)
      throw new RangeError(`bad page size ${filter.limit}`)
    const where: string[] = []
    const params: (string | number)[] = []
    const add = (clause: string, value: string | number | undefined) => {
      if (value === undefined) return
      params.push(value)
      where.push(clause.replace('?', `$${params.length}`))
    }
    add('customer_id = ?', filter.customerId)
    add('purpose_id = ?', filter.purposeId)
    add('actor_id = ?', filter.actorId)
    add('received_at >= ?', filter.from)
    add('received_at < ?', filter.to)
    add('id < ?', filter.cursor === undefined ? undefined : decodeCursor(filter.cursor))
    params.push(filter.limit + 1)
    // One row past the page tells whether another page follows.
    const found = await rows<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM ${audit} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY id DESC LIMIT $${params.length}`,
      params,
    )
    const page = found.slice(0, filter.limit)
    const last = page.at(-1)
    return {
      entries: page.map(toEntry),
      nextCursor: found.length > filter.limit && last ? encodeCursor(Number(last.id)) : null,
    }
  }

  async function document(customerId: string): Promise<DocumentRow | undefined> {
    const [row] = await rows<DocumentRow>(
      `SELECT customer_id, update_seq, audit_seq, audit_head FROM ${documents} WHERE customer_id = $1`,
      [customerId],
    )
    return row
  }

  const updatesAfter = `SELECT customer_id, seq, data, received_at, connection_id, user_id, user_role, hash
    FROM ${updates} WHERE customer_id = $1 AND seq > $2 ORDER BY seq`

  return {
    kind: 'postgres',

    async migrate() {
      await transaction((client) => applyMigrations(client, schema))
    },

    async ping() {
      await rows('SELECT 1')
    },

    async close() {
      if (closed) return
      closed = true
      await end()
    },

    async append(requests) {
      if (requests.length === 0) return []
      for (const r of requests) checkRequest(r)
      return transaction((client) => appendAll(client, requests), { attempts: APPEND_ATTEMPTS })
    },

    async loadDocument(customerId) {
      // One snapshot of the database, so the snapshot and its tail agree.
      return transaction(
        async (client) => {
          const doc = await client.query<DocumentRow & { snapshot: Buffer | null; snapshot_seq: number }>(
            `SELECT customer_id, update_seq, audit_seq, audit_head, snapshot, snapshot_seq FROM ${documents}
             WHERE customer_id = $1`,
            [customerId],
          )
          const row = doc.rows[0]
          const snapshotSeq = row?.snapshot_seq ?? 0
          const tail = await client.query<UpdateRow>(updatesAfter, [customerId, snapshotSeq])
          return {
            customerId,
            snapshot: row?.snapshot ? new Uint8Array(row.snapshot) : null,
            snapshotSeq,
            tail: tail.rows.map(toUpdate),
            head: row ? { seq: row.audit_seq, hash: row.audit_head } : GENESIS,
          }
        },
        { begin: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' },
      )
    },

    async updatesSince(customerId, afterSeq) {
      return (await rows<UpdateRow>(updatesAfter, [customerId, afterSeq])).map(toUpdate)
    },

    async updateSeq(customerId) {
      return (await document(customerId))?.update_seq ?? 0
    },

    async saveSnapshot(customerId, snapshot, uptoSeq) {
      const refuse = () => new RangeError(`snapshot of ${customerId} up to seq ${uptoSeq}: no such update`)
      if (!Number.isInteger(uptoSeq) || uptoSeq < 1) throw refuse()
      await transaction(async (client) => {
        const { rows: found } = await client.query<{ update_seq: number; snapshot_seq: number }>(
          `SELECT update_seq, snapshot_seq FROM ${documents} WHERE customer_id = $1 FOR UPDATE`,
          [customerId],
        )
        const doc = found[0]
        if (!doc || uptoSeq > doc.update_seq) throw refuse()
        // A newer snapshot may have been stored meanwhile; keep it.
        if (uptoSeq >= doc.snapshot_seq) {
          await client.query(
            `UPDATE ${documents} SET snapshot = $1, snapshot_seq = $2 WHERE customer_id = $3`,
            [snapshot, uptoSeq, customerId],
          )
        }
      })
    },

    async documentIds() {
      const found = await rows<{ customer_id: string }>(
        `SELECT customer_id FROM ${documents} WHERE update_seq > 0 ORDER BY customer_id`,
      )
      return found.map((r) => r.customer_id)
    },

    async chainHead(customerId) {
      const doc = await document(customerId)
      return doc ? { seq: doc.audit_seq, hash: doc.audit_head } : GENESIS
    },

    async auditChain(customerId) {
      const found = await rows<AuditRow>(
        `SELECT ${AUDIT_COLUMNS} FROM ${audit} WHERE customer_id = $1 ORDER BY seq`,
        [customerId],
      )
      return found.map(toEntry)
    },

    queryAudit,

    async *streamAudit(filter) {
      let cursor: string | null | undefined
      do {
        const page = await queryAudit(
          cursor ? { ...filter, cursor, limit: STREAM_PAGE } : { ...filter, limit: STREAM_PAGE },
        )
        yield* page.entries
        cursor = page.nextCursor
      } while (cursor !== null)
    },

    async upsertCustomer(c) {
      await rows(
        `INSERT INTO ${customers} (id, name, phone, phone_digits) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, phone = excluded.phone,
           phone_digits = excluded.phone_digits`,
        [c.id, c.name, c.phone, digitsOf(c.phone)],
      )
    },

    async getCustomer(id) {
      const [row] = await rows<CustomerRecord>(`SELECT id, name, phone FROM ${customers} WHERE id = $1`, [id])
      return row
    },

    async searchCustomers(q, limit) {
      // ILIKE on "C"-collated columns folds ASCII case only, like SQLite's LIKE; phones compare as digits.
      return rows<CustomerRecord>(
        `SELECT id, name, phone FROM ${customers}
         WHERE id ILIKE $1 ESCAPE '\\' OR name ILIKE $1 ESCAPE '\\'
           OR ($2 <> '' AND strpos(phone_digits, $2) > 0)
         ORDER BY id LIMIT $3`,
        [`%${escapeLike(q)}%`, digitsOf(q), limit],
      )
    },

    async upsertUser(u) {
      await rows(
        `INSERT INTO ${users} (username, id, role, name, customer_id, password_hash, demo)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (username) DO UPDATE SET id = excluded.id, role = excluded.role, name = excluded.name,
           customer_id = excluded.customer_id, password_hash = excluded.password_hash, demo = excluded.demo`,
        [u.username, u.id, u.role, u.name, u.customerId ?? null, u.passwordHash, u.demo],
      )
    },

    async findUser(username) {
      const [row] = await rows<UserRow>(`SELECT * FROM ${users} WHERE username = $1`, [username])
      return row ? toUser(row) : undefined
    },

    async hasDemoUsers() {
      return (await rows(`SELECT 1 FROM ${users} WHERE demo LIMIT 1`)).length > 0
    },
  }
}
