import { checkRequest } from './append-rules'
import type { AuditLog } from './audit-log'
import { auditPage, auditPageQuery, streamPages } from './audit-query'
import type { DocumentLog } from './document-log'
import { postgresAnalytics } from './postgres-analytics'
import { appendAll } from './postgres-append'
import { postgresCatalog } from './postgres-catalog'
import { postgresDirectory } from './postgres-directory'
import { postgresDownstream } from './postgres-downstream'
import { openPool, type PoolOptions } from './postgres-pool'
import { applyMigrations, checkSchemaName } from './postgres-schema'
import { postgresWebhooks } from './postgres-webhooks'
import * as rows from './rows'
import type { Store, StoreLifecycle } from './store'

/** Tries of one append when PostgreSQL aborts it for a deadlock or a serialization failure. */
const APPEND_ATTEMPTS = 5

type Pool = ReturnType<typeof openPool>

interface SchemaTables {
  documents: string
  updates: string
  audit: string
  appendBatch: string
  customers: string
  customerWords: string
  users: string
  purposes: string
  versions: string
  adminAudit: string
}

const DOCUMENT_COLUMNS = 'update_seq, audit_seq, audit_head, snapshot, snapshot_seq'

function postgresDocumentLog({ transaction, query, statement }: Pool, t: SchemaTables): DocumentLog {
  const updatesAfter = `SELECT ${rows.UPDATE_COLUMNS} FROM ${t.updates} WHERE customer_id = $1 AND seq > $2 ORDER BY seq`
  return {
    async append(requests) {
      if (requests.length === 0) return []
      for (const r of requests) checkRequest(r)
      return appendAll(statement, t.appendBatch, requests, APPEND_ATTEMPTS)
    },

    async loadDocument(customerId) {
      // One snapshot of the database, so the snapshot, its tail and the head agree.
      return transaction(
        async (client) => {
          const doc = await client.query<rows.DocumentRow>(
            `SELECT ${DOCUMENT_COLUMNS} FROM ${t.documents} WHERE customer_id = $1`,
            [customerId],
          )
          const row = doc.rows[0]
          const tail = await client.query<rows.UpdateRow>(updatesAfter, [customerId, row?.snapshot_seq ?? 0])
          return rows.storedDocument(customerId, row, tail.rows)
        },
        { begin: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' },
      )
    },

    async updatesSince(customerId, afterSeq) {
      return (await query<rows.UpdateRow>(updatesAfter, [customerId, afterSeq])).map(rows.toUpdate)
    },

    async updatesReceivedBy(customerId, at) {
      // The first update received after the instant ends the replay (seq order, never device clocks).
      const text = `SELECT ${rows.UPDATE_COLUMNS} FROM ${t.updates} WHERE customer_id = $1 AND seq < COALESCE(
          (SELECT MIN(seq) FROM ${t.updates} WHERE customer_id = $1 AND received_at COLLATE "C" > $2),
          9223372036854775807)
        ORDER BY seq`
      return (await query<rows.UpdateRow>(text, [customerId, at])).map(rows.toUpdate)
    },

    async updateSeq(customerId) {
      const [row] = await query<rows.DocumentRow>(
        `SELECT update_seq FROM ${t.documents} WHERE customer_id = $1`,
        [customerId],
      )
      return row?.update_seq ?? 0
    },

    async updateSeqs(customerIds) {
      const found = await query<{ customer_id: string; update_seq: number }>(
        `SELECT customer_id, update_seq FROM ${t.documents} WHERE customer_id = ANY($1::text[])`,
        [customerIds],
      )
      const seqs = new Map(found.map((r) => [r.customer_id, r.update_seq]))
      return customerIds.map((id) => seqs.get(id) ?? 0)
    },

    async saveSnapshot(customerId, snapshot, uptoSeq) {
      await transaction(async (client) => {
        const { rows: found } = await client.query<rows.DocumentRow>(
          `SELECT ${DOCUMENT_COLUMNS} FROM ${t.documents} WHERE customer_id = $1 FOR UPDATE`,
          [customerId],
        )
        if (rows.replacesSnapshot(customerId, uptoSeq, found[0])) {
          await client.query(
            `UPDATE ${t.documents} SET snapshot = $1, snapshot_seq = $2 WHERE customer_id = $3`,
            [snapshot, uptoSeq, customerId],
          )
        }
      })
    },

    async documentIds() {
      const found = await query<{ customer_id: string }>(
        `SELECT customer_id FROM ${t.documents} WHERE update_seq > 0 ORDER BY customer_id`,
      )
      return found.map((r) => r.customer_id)
    },
  }
}

function postgresAuditLog({ query }: Pool, t: SchemaTables): AuditLog {
  const queryAudit: AuditLog['queryAudit'] = async (filter) => {
    const { sql, params } = auditPageQuery(t.audit, filter, (n) => `$${n}`)
    return auditPage(await query<rows.AuditRow>(sql, params), filter.limit)
  }
  return {
    async chainHead(customerId) {
      const [row] = await query<rows.DocumentRow>(
        `SELECT update_seq, audit_seq, audit_head FROM ${t.documents} WHERE customer_id = $1`,
        [customerId],
      )
      return rows.chainHeadOf(row)
    },
    async auditChain(customerId) {
      const found = await query<rows.AuditRow>(
        `SELECT ${rows.AUDIT_COLUMNS} FROM ${t.audit} WHERE customer_id = $1 ORDER BY seq`,
        [customerId],
      )
      return found.map(rows.toEntry)
    },
    async decisionEntries(decisionId, limit) {
      const found = await query<rows.AuditRow>(
        `SELECT ${rows.AUDIT_COLUMNS} FROM ${t.audit} WHERE decision_id = $1 ORDER BY customer_id, seq LIMIT $2`,
        [decisionId, limit],
      )
      return found.map(rows.toEntry)
    },
    queryAudit,
    streamAudit: (filter) => streamPages(queryAudit, filter),
  }
}

/**
 * The store for many server instances sharing one PostgreSQL database (DESIGN.md §8), every part
 * in one object. Every table lives in `opts.schema` (default `public`), named with the schema in
 * every statement. When PostgreSQL cannot be reached, drops the connection or stops answering,
 * calls fail with a `StoreUnavailableError` within the connect or statement timeout (DESIGN.md §10).
 */
export function createPostgresStore(opts: PoolOptions & { schema?: string }): Store {
  const schema = checkSchemaName(opts.schema ?? 'public')
  const pool = openPool(opts)
  const table = (name: string) => `"${schema}".${name}`
  const t: SchemaTables = {
    documents: table('documents'),
    updates: table('updates'),
    audit: table('audit'),
    appendBatch: table('append_batch'),
    customers: table('customers'),
    customerWords: table('customer_words'),
    users: table('users'),
    purposes: table('purposes'),
    versions: table('notice_versions'),
    adminAudit: table('admin_audit'),
  }
  let closed = false
  const lifecycle: StoreLifecycle = {
    kind: 'postgres',
    migrate: () => pool.transaction((client) => applyMigrations(client, schema)),
    ping: async () => void (await pool.query('SELECT 1')),
    async close() {
      if (closed) return
      closed = true
      await pool.end()
    },
  }
  return {
    ...lifecycle,
    ...postgresDocumentLog(pool, t),
    ...postgresAuditLog(pool, t),
    ...postgresDirectory(pool, t, schema),
    ...postgresCatalog(pool, t, schema),
    ...postgresDownstream(pool, {
      consentStates: table('consent_states'),
      outbox: table('outbox'),
      outboxHead: table('outbox_head'),
    }),
    ...postgresWebhooks(
      pool,
      {
        endpoints: table('webhook_endpoints'),
        deliveries: table('webhook_deliveries'),
        adminAudit: t.adminAudit,
      },
      schema,
    ),
    ...postgresAnalytics(pool, schema),
  }
}
