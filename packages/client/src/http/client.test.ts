/**
 * The client against a node:http stub that answers the documented routes (DESIGN.md §5b, §12
 * "Downstream") the way the server does: problem bodies, a streamed JSON Lines body, batches.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest'
import type { AllowedRow, CheckResult } from '../api.js'
import { AS_OF_HEADER, CHECK_BATCH_SIZE, createClient } from './client.js'
import { ConsentSyncError } from './error.js'

const TOKEN = 'service-token'
const STATES = ['granted', 'withdrawn', 'unknown'] as const

function problem(response: ServerResponse, status: number, error: string, message: string, field?: string) {
  response
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
    .end(JSON.stringify({ error, message, ...(field ? { field } : {}) }))
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return JSON.parse(Buffer.concat(chunks).toString('utf8'))
}

/** Rows of the allowed list; names in Sinhala so that chunks also split multi-byte characters. */
function allowedRows(count: number): AllowedRow[] {
  return Array.from({ length: count }, (_, i) => ({
    customerId: `C-${String(i).padStart(6, '0')}`,
    effectiveState: 'granted',
    note: i % 2 ? 'ශ්‍රී ලංකා' : 'plain',
  }))
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function setup(options: { rows?: number; chunkBytes?: number } = {}) {
  const checkBatches: string[][] = []
  const allowedQueries: URLSearchParams[] = []
  const rows = allowedRows(options.rows ?? 25)
  let release: () => void = () => {}
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  let streamClosed: Promise<void> = Promise.resolve()

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://stub')
    if (request.headers.authorization !== `Bearer ${TOKEN}`) {
      return problem(response, 401, 'unauthorized', 'a bearer token is required')
    }
    if (request.method === 'POST' && url.pathname === '/api/consents/check') {
      const { purposeId, customerIds } = (await readJson(request)) as {
        purposeId: string
        customerIds: string[]
      }
      if (purposeId !== 'marketing-sms')
        return problem(response, 404, 'not-found', `no purpose ${purposeId}`, 'purposeId')
      if (customerIds.length > CHECK_BATCH_SIZE) {
        return problem(response, 400, 'bad-request', 'at most 10 000 customer ids', 'customerIds')
      }
      checkBatches.push(customerIds)
      const results: CheckResult[] = customerIds.map((customerId, i) => {
        const state = STATES[Number(customerId.slice(2)) % 3]!
        return {
          customerId,
          state,
          effectiveState: state === 'granted' ? 'granted' : 'withdrawn',
          conflicted: i === 0,
          ...(state === 'granted' ? { noticeVersion: '3' } : {}),
        }
      })
      response.writeHead(200, { 'content-type': 'application/json' })
      return response.end(JSON.stringify({ purposeId, asOf: `mark-${checkBatches.length}`, results }))
    }
    const allowed = url.pathname.match(/^\/api\/purposes\/([^/]+)\/allowed$/)
    if (request.method === 'GET' && allowed) {
      allowedQueries.push(url.searchParams)
      const purposeId = decodeURIComponent(allowed[1]!)
      if (url.searchParams.get('format') !== 'jsonl')
        return problem(response, 400, 'bad-request', 'format', 'format')
      if (purposeId === 'no-marker') return response.writeHead(200).end('')
      response.writeHead(200, { 'content-type': 'application/jsonl', [AS_OF_HEADER]: '4711' })
      streamClosed = new Promise((resolve) => response.on('close', () => resolve()))
      if (purposeId === 'broken') return response.end('{"customerId":"C-1"}\n{"customerId":\n')
      const bytes = Buffer.from(rows.map((r) => `${JSON.stringify(r)}\n`).join(''), 'utf8')
      const size = options.chunkBytes ?? 7
      const half = Math.floor(bytes.length / 2)
      for (let at = 0; at < bytes.length; at += size) {
        // The second half waits until the test has read a row: the body must be parsed as it comes.
        if (at >= half && at - size < half) await released
        if (response.destroyed) return
        await new Promise<void>((resolve) => response.write(bytes.subarray(at, at + size), () => resolve()))
      }
      return response.end()
    }
    const consents = url.pathname.match(/^\/api\/customers\/([^/]+)\/consents$/)
    if (request.method === 'GET' && consents) {
      const customerId = decodeURIComponent(consents[1]!)
      if (customerId === 'C-502')
        return response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>')
      if (customerId !== 'C-0001') return problem(response, 404, 'not-found', `no customer ${customerId}`)
      response.writeHead(200, { 'content-type': 'application/json' })
      return response.end(
        JSON.stringify({
          customerId,
          at: url.searchParams.get('at'),
          purposes: [
            { purposeId: 'marketing-sms', state: 'granted', effectiveState: 'granted', conflicted: false },
          ],
        }),
      )
    }
    problem(response, 404, 'not-found', 'no such route')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  cleanups.push(async () => {
    release()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return {
    baseUrl,
    client: createClient({ baseUrl, token: TOKEN }),
    checkBatches,
    allowedQueries,
    rows,
    release,
    streamClosed: () => streamClosed,
  }
}

async function errorOf(attempt: Promise<unknown>): Promise<ConsentSyncError> {
  try {
    await attempt
  } catch (error) {
    if (error instanceof ConsentSyncError) return error
    throw error
  }
  throw new Error('the request succeeded')
}

describe('check', () => {
  it('answers the state of each id from POST /api/consents/check', async () => {
    const { client, checkBatches } = await setup()
    const answer = await client.check('marketing-sms', ['C-3', 'C-4', 'C-5'])
    expect(answer).toEqual({
      purposeId: 'marketing-sms',
      asOf: 'mark-1',
      results: [
        {
          customerId: 'C-3',
          state: 'granted',
          effectiveState: 'granted',
          conflicted: true,
          noticeVersion: '3',
        },
        { customerId: 'C-4', state: 'withdrawn', effectiveState: 'withdrawn', conflicted: false },
        { customerId: 'C-5', state: 'unknown', effectiveState: 'withdrawn', conflicted: false },
      ],
    })
    expect(checkBatches).toEqual([['C-3', 'C-4', 'C-5']])
  })

  it('splits more than 10 000 ids into batches the server takes, and merges the answers in order', async () => {
    const { client, checkBatches } = await setup()
    const ids = Array.from({ length: 2 * CHECK_BATCH_SIZE + 1 }, (_, i) => `C-${i}`)
    const answer = await client.check('marketing-sms', ids)
    expect(checkBatches.map((b) => b.length)).toEqual([10_000, 10_000, 1])
    expect(answer.results.map((r) => r.customerId)).toEqual(ids)
    expect(answer.results.filter((r) => r.conflicted).map((r) => r.customerId)).toEqual([
      'C-0',
      'C-10000',
      'C-20000',
    ])
    // The first batch's mark, the oldest of the three.
    expect(answer.asOf).toBe('mark-1')
  })

  it('throws the problem of a refused request, with its status and field', async () => {
    const { client, baseUrl } = await setup()
    const unknown = await errorOf(client.check('no-such-purpose', ['C-1']))
    expect(unknown).toMatchObject({
      status: 404,
      error: 'not-found',
      message: 'no purpose no-such-purpose',
      field: 'purposeId',
    })
    const unauthorized = await errorOf(
      createClient({ baseUrl, token: 'wrong' }).check('marketing-sms', ['C-1']),
    )
    expect(unauthorized).toMatchObject({ status: 401, error: 'unauthorized', field: undefined })
  })

  it('asks getToken before every request', async () => {
    const { baseUrl } = await setup()
    let asked = 0
    const client = createClient({
      baseUrl,
      getToken: async () => {
        asked++
        return TOKEN
      },
    })
    await client.check(
      'marketing-sms',
      Array.from({ length: CHECK_BATCH_SIZE + 1 }, (_, i) => `C-${i}`),
    )
    expect(asked).toBe(2)
  })
})

describe('allowed', () => {
  it('streams the JSON Lines rows, whatever the chunks, with the as-of mark from the header', async () => {
    const { client, rows, release, allowedQueries } = await setup({ rows: 25, chunkBytes: 7 })
    const list = await client.allowed('marketing-sms', { since: '4700' })
    expect(list.asOf).toBe('4711')
    const received: AllowedRow[] = []
    for await (const row of list.rows) {
      received.push(row)
      release()
    }
    expect(received).toEqual(rows)
    expect(allowedQueries.map((q) => Object.fromEntries(q))).toEqual([{ format: 'jsonl', since: '4700' }])
  })

  it('hands over rows before the body has ended', async () => {
    const { client, rows } = await setup({ rows: 10, chunkBytes: 5 })
    const list = await client.allowed('marketing-sms')
    // The stub holds the second half back until released: reading the first row must not wait for it.
    const first = await list.rows.next()
    expect(first).toEqual({ done: false, value: rows[0] })
    await list.rows.return(undefined)
  })

  it('closes the response when the caller stops early', async () => {
    const { client, streamClosed } = await setup({ rows: 10, chunkBytes: 5 })
    const list = await client.allowed('marketing-sms')
    for await (const row of list.rows) {
      expect(row.customerId).toBe('C-000000')
      break
    }
    await streamClosed()
  })

  it('reads many rows in large chunks', async () => {
    const { client, rows, release } = await setup({ rows: 20_000, chunkBytes: 64 * 1024 })
    release()
    let count = 0
    for await (const row of (await client.allowed('marketing-sms')).rows) {
      expect(row.customerId).toBe(rows[count]!.customerId)
      count++
    }
    expect(count).toBe(20_000)
  })

  it('throws bad-response for a line that is not JSON, and for an answer without the mark', async () => {
    const { client } = await setup()
    const broken = await client.allowed('broken')
    const seen: AllowedRow[] = []
    const error = await errorOf(
      (async () => {
        for await (const row of broken.rows) seen.push(row)
      })(),
    )
    expect(seen).toEqual([{ customerId: 'C-1' }])
    expect(error).toMatchObject({ error: 'bad-response', message: 'line 2 is not JSON' })
    expect(await errorOf(client.allowed('no-marker'))).toMatchObject({ error: 'bad-response' })
  })
})

describe('consents', () => {
  it('answers GET /api/customers/:id/consents, with ?at= when asked', async () => {
    const { client } = await setup()
    const now = await client.consents('C-0001')
    expect(now.purposes[0]).toMatchObject({ purposeId: 'marketing-sms', effectiveState: 'granted' })
    const then = await client.consents('C-0001', { at: '2027-01-01T00:00:00.000Z' })
    expect(then).toMatchObject({ at: '2027-01-01T00:00:00.000Z' })
  })

  it('throws the problem of a 404, and bad-response for an answer that is no problem body', async () => {
    const { client } = await setup()
    expect(await errorOf(client.consents('C-9999'))).toMatchObject({
      status: 404,
      error: 'not-found',
      message: 'no customer C-9999',
    })
    expect(await errorOf(client.consents('C-502'))).toMatchObject({ status: 502, error: 'bad-response' })
  })

  it('takes its types from the generated OpenAPI types', () => {
    type Consents = Awaited<ReturnType<ReturnType<typeof createClient>['consents']>>
    expectTypeOf<Consents['purposes'][number]['effectiveState']>().toEqualTypeOf<'granted' | 'withdrawn'>()
    expectTypeOf<CheckResult['state']>().toEqualTypeOf<'granted' | 'withdrawn' | 'unknown'>()
  })
})

it('refuses to be created without a token', () => {
  expect(() => createClient({ baseUrl: 'http://127.0.0.1:1' })).toThrow(TypeError)
})
