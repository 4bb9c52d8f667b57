import { describe, expect, it } from 'vitest'
import { appendDecisions, decision } from '../testing/decisions'
import { testServer } from '../testing/per-test'
import { readUntil } from '../testing/streams'
import { until } from '../testing/until'

const start = () => testServer()

describe('GET /api/feed', () => {
  it('streams each accepted entry as a server-sent event in the contract shape (DESIGN.md §7)', async () => {
    const s = await start()
    const token = await s.login('csr1')
    const res = await fetch(s.url(`/api/feed?token=${token}`))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    if (!res.body) throw new Error('no body')
    const reader = res.body.getReader()
    await readUntil(reader, (t) => t.includes(': connected\n\n'))

    const first = decision({
      purposeId: 'marketing-sms',
      state: 'granted',
      actor: { id: 'C-0003', role: 'customer' },
    })
    const second = decision({
      purposeId: 'marketing-sms',
      state: 'withdrawn',
      supersedes: [first.id],
      actor: { id: 'csr2', role: 'csr' },
      channel: 'store',
    })
    const receivedAt = '2026-11-02T10:15:00.000Z'
    const { entries } = await appendDecisions(
      s.ctx.store,
      'C-0003',
      [first, second],
      { id: 'csr2', role: 'csr' },
      receivedAt,
    )
    s.ctx.events.emit({
      customerId: 'C-0003',
      entries,
      user: { id: 'csr2', role: 'csr', name: 'Suresh Kumar' },
    })

    const text = await readUntil(reader, (t) => t.split('data: ').length === 3 && t.endsWith('\n\n'))
    const events = text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice('data: '.length)))
    expect(events).toEqual([
      {
        type: 'consent-updated',
        consent: {
          customerId: 'C-0003',
          purposeId: 'marketing-sms',
          state: 'granted',
          previousState: 'withdrawn',
          conflicted: false,
          decisionId: first.id,
          channel: 'web',
          noticeVersion: '1.0',
        },
        timestamp: receivedAt,
        updatedBy: { userId: 'csr2', userType: 'csr', userName: 'Suresh Kumar' },
      },
      {
        type: 'consent-updated',
        consent: {
          customerId: 'C-0003',
          purposeId: 'marketing-sms',
          state: 'withdrawn',
          previousState: 'granted',
          conflicted: false,
          decisionId: second.id,
          channel: 'store',
          noticeVersion: '1.0',
        },
        timestamp: receivedAt,
        updatedBy: { userId: 'csr2', userType: 'csr', userName: 'Suresh Kumar' },
      },
    ])
    expect(text).toContain(`id: ${receivedAt}|C-0003:2\n`)
    await reader.cancel()
  })

  it('accepts the token as a bearer header too', async () => {
    const s = await start()
    const res = await fetch(s.url('/api/feed'), {
      headers: { authorization: `Bearer ${s.token({ id: 'admin1', role: 'admin' })}` },
    })
    expect(res.status).toBe(200)
    await res.body?.cancel()
  })

  it('unsubscribes when the client goes away', async () => {
    const s = await start()
    let listeners = 0
    const on = s.ctx.events.on.bind(s.ctx.events)
    s.ctx.events.on = (listener) => {
      listeners++
      const off = on(listener)
      return () => {
        listeners--
        return off()
      }
    }
    const res = await fetch(s.url(`/api/feed?token=${s.token({ id: 'csr1', role: 'csr' })}`))
    if (!res.body) throw new Error('no body')
    const reader = res.body.getReader()
    await readUntil(reader, (t) => t.includes(': connected'))
    expect(listeners).toBe(1)
    await reader.cancel()
    await until(() => listeners === 0)
  })

  it('refuses customers (403) and callers without a valid token (401)', async () => {
    const s = await start()
    const customer = await fetch(s.url(`/api/feed?token=${await s.login('C-0001')}`))
    expect(customer.status).toBe(403)
    expect(await customer.json()).toMatchObject({ error: 'forbidden' })
    const none = await fetch(s.url('/api/feed'))
    expect(none.status).toBe(401)
    const expired = await fetch(s.url(`/api/feed?token=${s.token({ id: 'csr1', role: 'csr' }, -5)}`))
    expect(expired.status).toBe(401)
    expect(await expired.json()).toEqual({ error: 'unauthorized', message: 'the token has expired' })
  })

  it('replays what a reconnecting client missed after its Last-Event-ID, oldest first, then goes live', async () => {
    const s = await start()
    const token = await s.login('csr1')
    const grant = decision({
      purposeId: 'marketing-sms',
      state: 'granted',
      actor: { id: 'C-0003', role: 'customer' },
    })
    const [seen] = (
      await appendDecisions(
        s.ctx.store,
        'C-0003',
        [grant],
        { id: 'C-0003', role: 'customer' },
        '2026-11-02T10:00:00.000Z',
      )
    ).entries
    // Made while the client was away: one by the customer, one by an agent.
    const missedOne = decision({
      purposeId: 'marketing-sms',
      state: 'withdrawn',
      supersedes: [grant.id],
      actor: { id: 'csr2', role: 'csr' },
      channel: 'phone',
    })
    await appendDecisions(
      s.ctx.store,
      'C-0003',
      [missedOne],
      { id: 'csr2', role: 'csr' },
      '2026-11-02T10:05:00.000Z',
    )
    const other = decision({
      purposeId: 'usage-analytics',
      state: 'granted',
      actor: { id: 'C-0004', role: 'customer' },
    })
    await appendDecisions(
      s.ctx.store,
      'C-0004',
      [other],
      { id: 'C-0004', role: 'customer' },
      '2026-11-02T10:06:00.000Z',
    )

    const res = await fetch(s.url(`/api/feed?token=${token}`), {
      headers: { 'last-event-id': `2026-11-02T10:00:00.000Z|C-0003:${seen!.seq}` },
    })
    if (!res.body) throw new Error('no body')
    const reader = res.body.getReader()
    const text = await readUntil(reader, (t) => t.split('data: ').length === 3 && t.endsWith('\n\n'))
    const events = text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice('data: '.length)))
    expect(events.map((e) => [e.consent.customerId, e.consent.decisionId, e.updatedBy.userName])).toEqual([
      ['C-0003', missedOne.id, 'Suresh Kumar'],
      ['C-0004', other.id, expect.any(String)],
    ])
    await reader.cancel()
  })
})
