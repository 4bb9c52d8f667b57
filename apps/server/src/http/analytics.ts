import type { PurposeCatalog } from '@consent-sync/consent-core'
import type { FastifyInstance, FastifyReply } from 'fastify'
import {
  agentFigures,
  channelFigures,
  conflictFigures,
  type FigureDeps,
  type Interval,
  lifecycleFigures,
  purposeFigures,
  timeseriesFigures,
  withdrawalFigures,
} from '../analytics/figures'
import { ANSWER_WAIT_MS, type RollUpRunner } from '../analytics/roll-up-runner'
import { bearerSecurity, requireRole } from '../auth/guards'
import type { AnalyticsReads, DayRange } from '../store/analytics-store'
import { problemResponses, sendProblem } from './errors'
import { textSchema } from './purposes'
import { parseRfc3339 } from './rfc3339'

export interface AnalyticsDeps {
  store: AnalyticsReads & { outboxHead(): Promise<number> }
  runner: RollUpRunner
  catalog: { current(): PurposeCatalog }
  minGroup: number
  now: () => number
}

/** The longest range a panel sums: ten years of days. */
export const MAX_RANGE_DAYS = 3660

/** Open conflicts a drill-down lists at most. */
export const CONFLICT_LIST_LIMIT = 200

/** Aggregates: who reads figures (BI tools through a service account too). */
const FIGURE_ROLES = ['admin', 'auditor', 'service'] as const
/** Lists naming customers or staff: only the roles that may look customers up. */
const DRILL_DOWN_ROLES = new Set(['admin', 'auditor'])

const DAY_MS = 86_400_000
const DAY = /^\d{4}-\d{2}-\d{2}$/

/** A query's day: `YYYY-MM-DD` or an RFC 3339 time (its UTC day); a message naming the problem otherwise. */
export function parseDay(text: string): { ok: true; day: string } | { ok: false; message: string } {
  if (DAY.test(text)) {
    const ms = Date.parse(`${text}T00:00:00Z`)
    if (Number.isFinite(ms) && new Date(ms).toISOString().startsWith(text)) return { ok: true, day: text }
    return { ok: false, message: `${text} is not a calendar day` }
  }
  const instant = parseRfc3339(text)
  if (!instant.ok)
    return { ok: false, message: `expected a day such as 2026-12-01 or an RFC 3339 time; ${instant.detail}` }
  return { ok: true, day: instant.value.slice(0, 10) }
}

const today = (now: number) => new Date(now).toISOString().slice(0, 10)

/** The range a query asks for (default: the 30 days up to today), or a 400 already sent. */
function rangeOf(q: { from?: string; to?: string }, now: number, reply: FastifyReply): DayRange | undefined {
  let to = today(now)
  if (q.to !== undefined) {
    const parsed = parseDay(q.to)
    if (!parsed.ok) return void sendProblem(reply, 400, parsed.message, 'to')
    to = parsed.day
  }
  let from = new Date(Date.parse(`${to}T00:00:00Z`) - 29 * DAY_MS).toISOString().slice(0, 10)
  if (q.from !== undefined) {
    const parsed = parseDay(q.from)
    if (!parsed.ok) return void sendProblem(reply, 400, parsed.message, 'from')
    from = parsed.day
  }
  if (from > to) return void sendProblem(reply, 400, `from (${from}) is after to (${to})`, 'from')
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1
  if (days > MAX_RANGE_DAYS)
    return void sendProblem(reply, 400, `the range is ${days} days; at most ${MAX_RANGE_DAYS}`, 'from')
  return { from, to }
}

const nullableCount = { type: ['integer', 'null'] } as const
const nullableShare = { type: ['number', 'null'], minimum: 0, maximum: 1 } as const
const day = { type: 'string', format: 'date' } as const
const head = {
  asOf: { type: 'integer', description: 'The outbox seq the figures include' },
  pending: {
    type: 'integer',
    description:
      'Events stored but not counted yet: 0, unless a long catch-up (a first start on a large store) is going on',
  },
  generatedAt: { type: 'string', format: 'date-time' },
  minGroup: {
    type: 'integer',
    description: 'Groups smaller than this are shown as null (ANALYTICS_MIN_GROUP)',
  },
} as const
const rangeQuery = {
  from: {
    type: 'string',
    description: 'First day (YYYY-MM-DD or an RFC 3339 time; UTC); default 29 days before `to`',
  },
  to: { type: 'string', description: 'Last day, included; default today (UTC)' },
} as const
const purposeQuery = { type: 'string', minLength: 1, maxLength: 64 } as const

function row(properties: Record<string, unknown>, required = Object.keys(properties)) {
  return { type: 'object', required, properties } as const
}

const schemas = {
  purposes: row({
    at: { type: ['string', 'null'] },
    ...head,
    purposes: {
      type: 'array',
      items: row({
        purposeId: { type: 'string' },
        title: textSchema,
        status: { type: 'string', enum: ['active', 'retired'] },
        defaultState: { type: 'string', enum: ['granted', 'withdrawn'] },
        customers: nullableCount,
        granted: nullableCount,
        grantedShare: nullableShare,
        suppressed: { type: 'boolean' },
      }),
    },
  }),
  timeseries: row({
    purposeId: { type: 'string' },
    interval: { type: 'string', enum: ['day', 'week'] },
    from: day,
    to: day,
    ...head,
    points: {
      type: 'array',
      items: row({
        start: day,
        end: day,
        customers: nullableCount,
        granted: nullableCount,
        grantedShare: nullableShare,
        grants: nullableCount,
        withdrawals: nullableCount,
        suppressed: { type: 'boolean' },
      }),
    },
  }),
  channels: row({
    from: day,
    to: day,
    purposeId: { type: ['string', 'null'] },
    ...head,
    rows: {
      type: 'array',
      items: row({
        channel: { type: 'string' },
        decider: { type: 'string', enum: ['customer', 'agent'] },
        grants: nullableCount,
        withdrawals: nullableCount,
        renewals: nullableCount,
        suppressed: { type: 'boolean' },
      }),
    },
  }),
  withdrawals: (() => {
    const counts = {
      withdrawals: nullableCount,
      withinDaysOfGrant: nullableCount,
      share: nullableShare,
      suppressed: { type: 'boolean' },
    }
    return row({
      from: day,
      to: day,
      withinDays: { type: 'integer' },
      purposeId: { type: ['string', 'null'] },
      ...head,
      ...counts,
      byPurpose: { type: 'array', items: row({ purposeId: { type: 'string' }, ...counts }) },
    })
  })(),
  conflicts: row(
    {
      ...head,
      open: { type: 'integer' },
      byPurpose: {
        type: 'array',
        items: row({ purposeId: { type: 'string' }, open: nullableCount, suppressed: { type: 'boolean' } }),
      },
      closed: row({
        from: day,
        to: day,
        count: { type: 'integer' },
        medianHours: { type: ['number', 'null'] },
        p90Hours: { type: ['number', 'null'] },
      }),
      list: {
        type: 'array',
        description: 'The oldest open conflicts (admin and auditor only)',
        items: row({
          customerId: { type: 'string' },
          purposeId: { type: 'string' },
          openedAt: { type: 'string' },
          openHours: { type: 'number' },
        }),
      },
    },
    ['asOf', 'generatedAt', 'minGroup', 'open', 'byPurpose', 'closed'],
  ),
  lifecycle: row({
    from: day,
    to: day,
    ...head,
    rows: {
      type: 'array',
      items: row({
        purposeId: { type: 'string' },
        expired: nullableCount,
        voided: nullableCount,
        retired: nullableCount,
        renewals: nullableCount,
        suppressed: { type: 'boolean' },
      }),
    },
  }),
  agents: row({
    from: day,
    to: day,
    asOf: head.asOf,
    pending: head.pending,
    generatedAt: head.generatedAt,
    rows: {
      type: 'array',
      items: row({
        actorId: { type: 'string' },
        decisions: { type: 'integer' },
        withEvidence: { type: 'integer' },
        evidenceShare: nullableShare,
      }),
    },
  }),
}

type RangeQuery = { from?: string; to?: string }

/**
 * The analytics API (DESIGN.md §12 "Analytics"): aggregates over the roll-up's daily counters,
 * current to the request (each rolls up what was accepted before it), for the CSR app's analytics
 * screen and the operator's BI tools alike.
 */
export function registerAnalyticsRoutes(app: FastifyInstance, deps: AnalyticsDeps): void {
  const figures = async (): Promise<{
    f: FigureDeps
    head: { asOf: number; pending: number; generatedAt: string; minGroup: number }
  }> => {
    await deps.runner.catchUpWithin(ANSWER_WAIT_MS)
    const asOf = await deps.store.analyticsMark()
    const pending = Math.max(0, (await deps.store.outboxHead()) - asOf)
    return {
      f: { reads: deps.store, catalog: deps.catalog.current(), minGroup: deps.minGroup },
      head: { asOf, pending, generatedAt: new Date(deps.now()).toISOString(), minGroup: deps.minGroup },
    }
  }
  const known = (purposeId: string) => deps.catalog.current().purposes.some((p) => p.id === purposeId)
  const common = (summary: string, querystring: Record<string, unknown>, response: unknown) => ({
    schema: {
      tags: ['analytics'],
      summary,
      security: bearerSecurity,
      querystring: { type: 'object', additionalProperties: false, properties: querystring },
      response: { 200: response, ...problemResponses(400, 401, 403) },
    },
    preHandler: requireRole(app, [...FIGURE_ROLES]),
  })

  app.get<{ Querystring: { at?: string } }>(
    '/api/analytics/purposes',
    common(
      'Per purpose: customers on record, those effectively granted, and the share, now or at the end of a day',
      {
        at: {
          type: 'string',
          description: 'A day (YYYY-MM-DD or an RFC 3339 time); figures at its end (UTC)',
        },
      },
      schemas.purposes,
    ),
    async (request, reply) => {
      let at: string | null = null
      if (request.query.at !== undefined) {
        const parsed = parseDay(request.query.at)
        if (!parsed.ok) return sendProblem(reply, 400, parsed.message, 'at')
        at = parsed.day
      }
      const { f, head } = await figures()
      return { at, ...head, purposes: await purposeFigures(f, at) }
    },
  )

  app.get<{ Querystring: RangeQuery & { purposeId: string; interval?: Interval } }>(
    '/api/analytics/timeseries',
    {
      ...common(
        "One purpose's granted share at the end of each day or week (Monday to Sunday), with the grants and withdrawals in it",
        {
          purposeId: purposeQuery,
          interval: { type: 'string', enum: ['day', 'week'], default: 'day' },
          ...rangeQuery,
        },
        schemas.timeseries,
      ),
    },
    async (request, reply) => {
      const { purposeId, interval = 'day' } = request.query
      if (!purposeId) return sendProblem(reply, 400, 'purposeId is required', 'purposeId')
      if (!known(purposeId)) return sendProblem(reply, 400, `no purpose ${purposeId}`, 'purposeId')
      const range = rangeOf(request.query, deps.now(), reply)
      if (!range) return reply
      const { f, head } = await figures()
      return {
        purposeId,
        interval,
        ...range,
        ...head,
        points: await timeseriesFigures(f, purposeId, range, interval),
      }
    },
  )

  app.get<{ Querystring: RangeQuery & { purposeId?: string } }>(
    '/api/analytics/channels',
    common(
      'Grants, withdrawals and renewals in a range by channel and by who decided (the customer or an agent)',
      { purposeId: purposeQuery, ...rangeQuery },
      schemas.channels,
    ),
    async (request, reply) => {
      const purposeId = request.query.purposeId ?? null
      if (purposeId !== null && !known(purposeId))
        return sendProblem(reply, 400, `no purpose ${purposeId}`, 'purposeId')
      const range = rangeOf(request.query, deps.now(), reply)
      if (!range) return reply
      const { f, head } = await figures()
      return { ...range, purposeId, ...head, rows: await channelFigures(f, range, purposeId) }
    },
  )

  app.get<{ Querystring: RangeQuery & { purposeId?: string; withinDays: number } }>(
    '/api/analytics/withdrawals',
    common(
      'Withdrawals of a grant in a range, and of them those within N days of the grant',
      {
        purposeId: purposeQuery,
        withinDays: { type: 'integer', minimum: 1, maximum: 365, default: 30 },
        ...rangeQuery,
      },
      schemas.withdrawals,
    ),
    async (request, reply) => {
      const purposeId = request.query.purposeId ?? null
      if (purposeId !== null && !known(purposeId))
        return sendProblem(reply, 400, `no purpose ${purposeId}`, 'purposeId')
      const range = rangeOf(request.query, deps.now(), reply)
      if (!range) return reply
      const { withinDays } = request.query
      const { f, head } = await figures()
      return {
        ...range,
        withinDays,
        purposeId,
        ...head,
        ...(await withdrawalFigures(f, range, withinDays, purposeId)),
      }
    },
  )

  app.get<{ Querystring: RangeQuery }>(
    '/api/analytics/conflicts',
    common(
      'Open conflicts by purpose, how long those closed in a range stayed open, and (admin, auditor) the oldest open ones',
      rangeQuery,
      schemas.conflicts,
    ),
    async (request, reply) => {
      const range = rangeOf(request.query, deps.now(), reply)
      if (!range) return reply
      const { f, head } = await figures()
      const list = DRILL_DOWN_ROLES.has(request.user.role)
      return {
        ...head,
        ...(await conflictFigures(f, range, { list, listLimit: CONFLICT_LIST_LIMIT, now: deps.now() })),
      }
    },
  )

  app.get<{ Querystring: RangeQuery }>(
    '/api/analytics/lifecycle',
    common(
      'Grants ended in a range by expiry, by a required re-consent or by retirement, and renewals, per purpose',
      rangeQuery,
      schemas.lifecycle,
    ),
    async (request, reply) => {
      const range = rangeOf(request.query, deps.now(), reply)
      if (!range) return reply
      const { f, head } = await figures()
      return { ...range, ...head, rows: await lifecycleFigures(f, range) }
    },
  )

  app.get<{ Querystring: RangeQuery }>(
    '/api/analytics/agents',
    {
      ...common(
        'Per agent: decisions recorded in a range and how many carry evidence',
        rangeQuery,
        schemas.agents,
      ),
      preHandler: requireRole(app, ['admin', 'auditor']),
    },
    async (request, reply) => {
      const range = rangeOf(request.query, deps.now(), reply)
      if (!range) return reply
      const { f, head } = await figures()
      const { asOf, pending, generatedAt } = head
      return { ...range, asOf, pending, generatedAt, rows: await agentFigures(f, range) }
    },
  )
}
