import { type ChainHead, GENESIS, type PurposeStatus } from '@consent-sync/consent-core'
import type { PoolClient } from 'pg'
import { chainAdmin } from '../audit/admin-chain'
import * as rows from './catalog-rows'
import { checkCreate, checkVersion, createConflict, publishConflict, statusConflict } from './catalog-rules'
import type { AdminRecord, CatalogConflict, CatalogStore, CatalogWrite } from './catalog-store'
import type { openPool } from './postgres-pool'

type Pool = ReturnType<typeof openPool>

export interface CatalogTables {
  purposes: string
  versions: string
  adminAudit: string
}

const refused = (conflict: CatalogConflict): CatalogWrite => ({ ok: false, conflict })
const params = (n: number) => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ')

/**
 * The catalog and the admin log on PostgreSQL. Every write takes one transaction-scoped advisory
 * lock for the schema first: catalog writes of every instance run one at a time, and each reads
 * the admin head (and what it checks) after the previous one committed. A row lock would not do:
 * `SELECT … ORDER BY seq DESC LIMIT 1 FOR UPDATE` locks nothing while the log is empty.
 */
export function postgresCatalog(
  { transaction, query }: Pool,
  t: CatalogTables,
  schema: string,
): CatalogStore {
  const lockKey = `consent-sync admin log ${schema}`
  const statusOf = async (client: PoolClient, purposeId: string) => {
    const { rows: found } = await client.query<{ status: PurposeStatus }>(
      `SELECT status FROM ${t.purposes} WHERE id = $1`,
      [purposeId],
    )
    return found[0]?.status
  }
  const insertVersion = `INSERT INTO ${t.versions} (${rows.VERSION_COLUMNS}, published_seq) VALUES (${params(11)})`
  const bool = (b: boolean) => b

  /**
   * One catalog write, under the lock: `change` checks what it needs and answers a conflict before
   * writing anything, or stores the change that the admin entry (of seq `seq`) records.
   */
  function write(
    admin: AdminRecord,
    change: (client: PoolClient, seq: number) => Promise<CatalogConflict | undefined>,
  ): Promise<CatalogWrite> {
    return transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockKey])
      const { rows: heads } = await client.query<ChainHead>(
        `SELECT seq, hash FROM ${t.adminAudit} ORDER BY seq DESC LIMIT 1`,
      )
      const entry = chainAdmin(heads[0] ?? GENESIS, admin)
      const conflict = await change(client, entry.seq)
      if (conflict) return refused(conflict)
      await client.query(
        `INSERT INTO ${t.adminAudit} (${rows.ADMIN_COLUMNS}) VALUES (${params(9)})`,
        rows.adminValues(entry),
      )
      return { ok: true, entry }
    })
  }

  return {
    async listPurposes() {
      const found = await query<rows.PurposeRow>(
        `SELECT ${rows.PURPOSE_COLUMNS} FROM ${t.purposes} ORDER BY created_seq`,
      )
      return found.map(rows.toPurpose)
    },
    async listVersions(purposeId) {
      const found =
        purposeId === undefined
          ? await query<rows.VersionRow>(
              `SELECT ${rows.VERSION_COLUMNS} FROM ${t.versions} ORDER BY published_seq DESC`,
            )
          : await query<rows.VersionRow>(
              `SELECT ${rows.VERSION_COLUMNS} FROM ${t.versions} WHERE purpose_id = $1 ORDER BY published_seq DESC`,
              [purposeId],
            )
      return found.map(rows.toVersion)
    },
    async getVersion(purposeId, version) {
      const [row] = await query<rows.VersionRow>(
        `SELECT ${rows.VERSION_COLUMNS} FROM ${t.versions} WHERE purpose_id = $1 AND version = $2`,
        [purposeId, version],
      )
      return row ? rows.toVersion(row) : undefined
    },
    async adminLog(afterSeq = 0) {
      const found = await query<rows.AdminRow>(
        `SELECT ${rows.ADMIN_COLUMNS} FROM ${t.adminAudit} WHERE seq > $1 ORDER BY seq`,
        [afterSeq],
      )
      return found.map(rows.toAdminEntry)
    },

    async createPurpose(purpose, first, admin) {
      checkCreate(purpose, first)
      return write(admin, async (client, seq) => {
        const conflict = createConflict(await statusOf(client, purpose.id))
        if (conflict) return conflict
        await client.query(
          `INSERT INTO ${t.purposes} (${rows.PURPOSE_COLUMNS}, created_seq) VALUES (${params(5)})`,
          rows.purposeValues(purpose, seq),
        )
        await client.query(insertVersion, rows.versionValues(first, seq, bool))
      })
    },
    async publishVersion(version, admin) {
      checkVersion(version)
      return write(admin, async (client, seq) => {
        const { rows: same } = await client.query(
          `SELECT 1 FROM ${t.versions} WHERE purpose_id = $1 AND version = $2`,
          [version.purposeId, version.version],
        )
        const conflict = publishConflict(await statusOf(client, version.purposeId), same.length > 0)
        if (conflict) return conflict
        await client.query(insertVersion, rows.versionValues(version, seq, bool))
      })
    },
    async recordAdmin(admin) {
      const written = await write(admin, async () => undefined)
      if (!written.ok) throw new Error(`an admin record was refused: ${written.conflict}`)
      return written.entry
    },
    async setPurposeStatus(purposeId, status, admin) {
      return write(admin, async (client) => {
        const conflict = statusConflict(await statusOf(client, purposeId), status)
        if (conflict) return conflict
        await client.query(`UPDATE ${t.purposes} SET status = $1 WHERE id = $2`, [status, purposeId])
      })
    },
  }
}
