/**
 * Regression (found by the soak): an update that arrives before the client's sync step 2 and
 * depends on changes only that step 2 carries is not a rule breach. The stock client sends local
 * edits as soon as the socket opens, before it has answered the server's step 1; a device back
 * from offline that decides at that moment must not be closed with 4422 for good.
 */
import { DEFAULT_CATALOG, type DecideInput, decide, foldAll, readDecisions } from '@consent-sync/consent-core'
import { CloseCode, encodeSyncStep2, encodeSyncUpdate } from '@consent-sync/protocol'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { trackDurable } from '../testing/clients'
import { rawFor, stockFor, testServer } from '../testing/per-test'
import { CSR_1, CUSTOMER_1 } from '../testing/server'
import { until } from '../testing/until'

const byCustomer = (purposeId: string, state: 'granted' | 'withdrawn'): DecideInput => ({
  purposeId,
  state,
  actor: { id: 'C-0001', role: 'customer' },
  channel: 'app',
  noticeVersion: '1.0',
})

/**
 * A customer's raw connection, and their document holding a decision the server will never get
 * (`base`, the state vector after it): what is built on it cannot be integrated.
 */
async function withUnsentBase() {
  const server = await testServer()
  const raw = await rawFor(server, CUSTOMER_1)
  const doc = new Y.Doc()
  decide(doc, byCustomer('marketing-sms', 'granted'))
  return { server, raw, doc, base: Y.encodeStateVector(doc) }
}

describe('an update whose dependencies are still on their way (SPEC 2.2)', () => {
  it('asks the stock client for what is missing instead of closing it, and keeps both decisions', async () => {
    const server = await testServer()
    // Offline work: a decision the server has never seen.
    const doc = new Y.Doc()
    const offline = decide(doc, byCustomer('marketing-sms', 'granted'))
    const customer = stockFor(server, CUSTOMER_1, 'C-0001', { doc: doc, acks: true })
    const durable = trackDurable(customer.provider)
    let tapped: string | undefined
    customer.provider.on('status', ({ status }) => {
      // The socket is open but the handshake has not run: the stock client sends this at once,
      // and it depends on the offline decision that only the client's step 2 will carry.
      if (status === 'connected' && tapped === undefined)
        tapped = decide(doc, byCustomer('marketing-email', 'granted')).id
    })
    await until(() => tapped !== undefined && durable.saved(), 5000, 'both decisions durable')
    expect(customer.closes).toEqual([])
    expect(server.ctx.rooms.connectionCount()).toBe(1)
    const agent = stockFor(server, CSR_1)
    await agent.synced()
    await until(() => readDecisions(agent.doc).length === 2, 5000, 'agent holds both')
    expect(
      readDecisions(agent.doc)
        .map((d) => d.id)
        .sort(),
    ).toEqual([offline.id, tapped].sort())
    expect(JSON.stringify(foldAll(readDecisions(agent.doc), DEFAULT_CATALOG))).toBe(
      JSON.stringify(foldAll(readDecisions(doc), DEFAULT_CATALOG)),
    )
  })

  it('still closes with 4422 a connection that keeps sending what cannot be integrated', async () => {
    const { server, raw, doc, base } = await withUnsentBase()
    for (let i = 0; i < 5 && !raw.closed; i++) {
      decide(doc, byCustomer('marketing-email', i % 2 === 0 ? 'granted' : 'withdrawn'))
      raw.send(encodeSyncUpdate(Y.encodeStateAsUpdate(doc, base)))
      await until(
        () => raw.closed || raw.count('sync-step1') > i + 1,
        5000,
        'a sync step 1 asking for the missing changes, or the close',
      )
    }
    const closed = await raw.waitClosed()
    expect(closed.code).toBe(CloseCode.Rejected)
    expect(closed.reason).toMatch(/^pending: /)
    expect(raw.durable()).toEqual([])
    const agent = stockFor(server, CSR_1)
    await agent.synced()
    expect(readDecisions(agent.doc)).toEqual([])
  })

  it('counts the requests per missing change, so answering with an empty step 2 cannot loop forever', async () => {
    const { raw, doc, base } = await withUnsentBase()
    decide(doc, byCustomer('marketing-email', 'granted'))
    // The same update every time, each request for its base answered with nothing.
    const stuck = encodeSyncUpdate(Y.encodeStateAsUpdate(doc, base))
    const empty = encodeSyncStep2(Y.encodeStateAsUpdate(new Y.Doc()))
    const asked = () => raw.count('sync-step1')
    for (let i = 0; i < 10 && !raw.closed; i++) {
      const before = asked()
      raw.send(stuck)
      await until(() => raw.closed || asked() > before, 5000, 'a sync step 1, or the close')
      if (!raw.closed) raw.send(empty)
    }
    const closed = await raw.waitClosed()
    expect(closed.code).toBe(CloseCode.Rejected)
    expect(closed.reason).toMatch(/^pending: /)
    // One step 1 at the start of the handshake, then three requests for the missing base.
    expect(asked()).toBe(1 + 3)
    expect(raw.durable()).toHaveLength(3)
  })
})
