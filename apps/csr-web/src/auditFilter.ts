import { queryString } from './apiRequest'

/** What the agent filters the audit trail by; dates are local calendar days (`yyyy-mm-dd`). */
export interface AuditFilter {
  purposeId: string
  actorId: string
  from: string
  to: string
  /** The "as of" view: only entries received before this instant (ISO 8601, exclusive). */
  until?: string
}

export const NO_FILTER: AuditFilter = { purposeId: '', actorId: '', from: '', to: '' }

/** Local midnight starting `day`, as ISO 8601 (the server compares receive times). */
function startOfDay(day: string): string | undefined {
  const ms = Date.parse(`${day}T00:00:00`)
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString()
}

/** The end of `day` is the start of the next: the server's `to` is exclusive. */
function endOfDay(day: string): string | undefined {
  const ms = Date.parse(`${day}T00:00:00`)
  if (Number.isNaN(ms)) return undefined
  const next = new Date(ms)
  next.setDate(next.getDate() + 1)
  return next.toISOString()
}

/** The earlier of two exclusive bounds, either absent (ISO 8601 UTC text compares as time). */
function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return a < b ? a : b
}

/** The query of `GET /api/audit` (and its export) for one customer and a filter. */
export function auditQuery(
  customerId: string,
  filter: AuditFilter,
  extra: Record<string, string | number> = {},
) {
  return queryString({
    customerId,
    purposeId: filter.purposeId,
    actorId: filter.actorId.trim(),
    from: filter.from ? startOfDay(filter.from) : undefined,
    to: earliest(filter.to ? endOfDay(filter.to) : undefined, filter.until),
    ...extra,
  })
}
