import type { AuditEntry } from '@consent-sync/consent-core'
import type { AuditFilter, AuditPage } from './audit-log'
import { AUDIT_COLUMNS, type AuditRow, decodeCursor, encodeCursor, toEntry } from './rows'

/** Rows read by `streamAudit` per page. */
const STREAM_PAGE = 500

/**
 * The statement of one page of `queryAudit`, newest first and one row past the page (which tells
 * whether another follows); `placeholder(n)` writes the dialect's n-th parameter.
 */
export function auditPageQuery(
  table: string,
  filter: AuditFilter,
  placeholder: (n: number) => string,
): { sql: string; params: (string | number)[] } {
  if (!Number.isInteger(filter.limit) || filter.limit < 1)
    throw new RangeError(`bad page size ${filter.limit}`)
  const where: string[] = []
  const params: (string | number)[] = []
  const add = (clause: string, value: string | number | undefined) => {
    if (value === undefined) return
    params.push(value)
    where.push(`${clause} ${placeholder(params.length)}`)
  }
  add('customer_id =', filter.customerId)
  add('purpose_id =', filter.purposeId)
  add('actor_id =', filter.actorId)
  add('received_at >=', filter.from)
  add('received_at <', filter.to)
  add('id <', filter.cursor === undefined ? undefined : decodeCursor(filter.cursor))
  params.push(filter.limit + 1)
  const sql = `SELECT ${AUDIT_COLUMNS} FROM ${table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY id DESC LIMIT ${placeholder(params.length)}`
  return { sql, params }
}

/** The page the rows of an `auditPageQuery` make. */
export function auditPage(rows: readonly AuditRow[], limit: number): AuditPage {
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    entries: page.map(toEntry),
    nextCursor: rows.length > limit && last ? encodeCursor(Number(last.id)) : null,
  }
}

/** `streamAudit` on top of `queryAudit`: page after page, so memory stays flat. */
export async function* streamPages(
  query: (filter: AuditFilter) => AuditPage | Promise<AuditPage>,
  filter: Omit<AuditFilter, 'cursor' | 'limit'>,
): AsyncGenerator<AuditEntry> {
  let cursor: string | null | undefined
  do {
    const page = await query(
      cursor ? { ...filter, cursor, limit: STREAM_PAGE } : { ...filter, limit: STREAM_PAGE },
    )
    yield* page.entries
    cursor = page.nextCursor
  } while (cursor !== null)
}
