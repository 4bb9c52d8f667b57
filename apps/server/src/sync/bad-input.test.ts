/**
 * DESIGN.md §10 on the sync endpoint: every bad input is sent for real, and each test checks the
 * answer (close code and reason, DESIGN.md §5) and the "and": nothing applied or stored, the server
 * still up, and another connection on the same document unaffected.
 */
import {
  type Channel,
  DEFAULT_CATALOG,
  type Decision,
  decide,
  decisionsOf,
  foldAll,
  profileOf,
  type RejectReason,
  readDecisions,
} from '@consent-sync/consent-core'
import {
  CloseCode,
  encodeAwareness,
  encodeDurable,
  encodeQueryAwareness,
  encodeRefreshToken,
  encodeSyncStep1,
  encodeSyncUpdate,
  MessageType,
  parseMessage,
} from '@consent-sync/protocol'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { Store } from '../store/store'
import { broadcastsTo, rawClient, roundTrip, sendDoc, trackDurable } from '../testing/clients'
import { decideAs } from '../testing/decisions'
import { afterTest, stockFor, testServer } from '../testing/per-test'
import {
  ADMIN,
  CSR_1,
  CSR_2,
  CUSTOMER_1,
  CUSTOMER_2,
  type TestServerOptions,
  type TestUser,
} from '../testing/server'
import { until } from '../testing/until'

/** A grant by `user` recorded in `doc` as their client would (the decision's actor is the user). */
const grant = (
  doc: Y.Doc,
  user: TestUser,
  purposeId = 'marketing-sms',
  extra: { evidence?: string; channel?: Channel } = {},
) => decideAs(doc, user, purposeId, 'granted', extra)

/** A whole-document update holding one grant by `user`: what a client would send. */
function grantUpdate(user: TestUser): Uint8Array {
  const doc = new Y.Doc()
  grant(doc, user, 'partner-sharing')
  return Y.encodeStateAsUpdate(doc)
}

/** The `exp` claim of a JWT, in milliseconds. */
function expiryOf(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
    exp: number
  }
  return payload.exp * 1000
}

/** A token whose payload was edited (customer → agent) while its signature was kept. */
function forged(token: string): string {
  const [header, payload, signature] = token.split('.')
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>
  claims.role = 'csr'
  delete claims.customerId
  return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.')
}

const isStep1 = (f: Uint8Array) => parseMessage(f).kind === 'sync-step1'

async function setup(options: TestServerOptions = {}) {
  const server = await testServer(options)
  const { store } = server.ctx

  const stock = (user: TestUser, customerId = 'C-0001', opts: { acks?: boolean } = {}) =>
    stockFor(server, user, customerId, opts)

  const raw = async (customerId: string, token: string | null) => {
    const query = token === null ? '' : `?token=${encodeURIComponent(token)}`
    const c = await rawClient(`${server.syncUrl}/${customerId}${query}`)
    afterTest(() => c.close())
    return c
  }

  /** A raw connection the server let in: its sync step 1 arrived. */
  const joined = async (customerId: string, token: string) => {
    const c = await raw(customerId, token)
    await until(() => c.frames.some(isStep1) || c.closed, 5000, 'server step 1 or close')
    expect(c.closed).toBeNull()
    return c
  }

  /** An agent's grant through the sync endpoint, stored when this returns. */
  const seed = async (customerId = 'C-0001') => {
    const agent = stock(CSR_1, customerId)
    await agent.synced()
    const d = grant(agent.doc, CSR_1, 'marketing-email')
    await until(
      async () => (await store.auditChain(customerId)).some((e) => e.decisionId === d.id),
      5000,
      'seed stored',
    )
    agent.destroy()
    return d
  }

  /** An agent's grants with long evidence, each stored (or refused) before the next, until the record is full. */
  const fill = async (agent: ReturnType<typeof stock>) => {
    const purposes = ['marketing-sms', 'marketing-email', 'marketing-push', 'usage-analytics']
    const accepted: string[] = []
    for (let i = 0; i < 20 && agent.closes.length === 0; i++) {
      const d = grant(agent.doc, CSR_1, purposes[i % purposes.length], {
        evidence: `call ${i}: ${'x'.repeat(300)}`,
      })
      await until(
        async () =>
          agent.closes.length > 0 || (await store.auditChain('C-0001')).some((e) => e.decisionId === d.id),
        5000,
        `decision ${i} stored or refused`,
      )
      if (agent.closes.length === 0) accepted.push(d.id)
    }
    return accepted
  }

  /** What bad input must not change: the stored log, the audit chain and the live document. */
  const record = async (customerId = 'C-0001') => ({
    updates: (await store.updatesSince(customerId, 0)).map((u) => u.hash),
    audit: (await store.auditChain(customerId)).map((e) => e.hash),
    decisions: (await server.ctx.rooms.readDecisions(customerId)).map((d) => d.id),
  })

  /** Another connection already open on the document: agent csr2 with the stock client. */
  const observe = async (customerId = 'C-0001', user: TestUser = CSR_2) => {
    const c = stock(user, customerId)
    await c.synced()
    return c
  }

  /**
   * Nothing was applied or stored; the server is up (a fresh client syncs the same decisions);
   * the observer still works (it receives a later valid decision, which is stored once).
   */
  const expectUnharmed = async (
    before: Awaited<ReturnType<typeof record>>,
    observer: ReturnType<typeof stock>,
    {
      customerId = 'C-0001',
      writer = CSR_1,
      write = true,
    }: { customerId?: string; writer?: TestUser; write?: boolean } = {},
  ) => {
    expect(await record(customerId)).toEqual(before)
    const fresh = stock(writer, customerId)
    await fresh.synced()
    expect(readDecisions(fresh.doc).map((d) => d.id)).toEqual(before.decisions)
    expect(readDecisions(observer.doc).map((d) => d.id)).toEqual(before.decisions)
    if (!write) return
    const later = grant(fresh.doc, writer, 'usage-analytics')
    await until(
      () => readDecisions(observer.doc).some((d) => d.id === later.id),
      5000,
      'observer receives a later decision',
    )
    const audit = await store.auditChain(customerId)
    expect(audit.map((e) => e.hash).slice(0, -1)).toEqual(before.audit)
    expect(audit.at(-1)?.decisionId).toBe(later.id)
    fresh.destroy()
  }

  return { server, store, stock, raw, joined, seed, fill, record, observe, expectUnharmed }
}

describe('DESIGN §10: no, bad or expired token, and documents the user may not open', () => {
  const rows: {
    name: string
    customerId: string
    token: (s: Awaited<ReturnType<typeof setup>>) => string | null
    /** Who the update sent right after opening claims to be. */
    actor: TestUser
    code: number
    reason: string
  }[] = [
    {
      name: 'no token',
      customerId: 'C-0001',
      token: () => null,
      actor: CUSTOMER_1,
      code: 4401,
      reason: 'unauthorized: missing token',
    },
    {
      name: 'a garbage token',
      customerId: 'C-0001',
      token: () => 'not-a.jwt-at.all',
      actor: CUSTOMER_1,
      code: 4401,
      reason: 'unauthorized: invalid token',
    },
    {
      name: 'a token whose payload was edited (customer made agent)',
      customerId: 'C-0002',
      token: (s) => forged(s.server.token(CUSTOMER_1)),
      actor: { id: 'C-0001', role: 'csr', name: 'Customer One' },
      code: 4401,
      reason: 'unauthorized: invalid token',
    },
    {
      name: 'an expired token',
      customerId: 'C-0001',
      token: (s) => s.server.token(CUSTOMER_1, -10),
      actor: CUSTOMER_1,
      code: 4401,
      reason: 'unauthorized: expired token',
    },
    {
      name: "a customer opening another customer's document",
      customerId: 'C-0002',
      token: (s) => s.server.token(CUSTOMER_1),
      actor: CUSTOMER_1,
      code: 4403,
      reason: 'forbidden: a customer may open only their own record',
    },
    {
      name: 'an agent opening an unknown customer',
      customerId: 'C-9999',
      token: (s) => s.server.token(CSR_1),
      actor: CSR_1,
      code: 4404,
      reason: 'no such customer',
    },
  ]

  it.each(rows)('$name → close $code before anything is applied', async (row) => {
    const s = await setup()
    // C-9999 has no document: watch C-0001 to see that the server and others are unharmed.
    const watched = row.customerId === 'C-9999' ? 'C-0001' : row.customerId
    await s.seed(watched)
    const observer = await s.observe(watched)
    const before = await s.record(watched)

    const client = await s.raw(row.customerId, row.token(s))
    // A valid-looking grant right away: were the check missing, it would be stored.
    client.send(encodeSyncUpdate(grantUpdate(row.actor)))
    expect(await client.waitClosed()).toEqual({ code: row.code, reason: row.reason })
    expect(client.frames).toEqual([]) // not even the server's step 1: never let in
    await s.expectUnharmed(before, observer, { customerId: watched })
    expect(await s.store.updatesSince('C-9999', 0)).toEqual([])
  })

  it('closes a connection whose token expires while it is open with 4401', async () => {
    const s = await setup()
    const observer = await s.observe()
    const token = s.server.token(CUSTOMER_1, 2)
    const client = await s.joined('C-0001', token)
    const before = await s.record()
    const closed = await until(() => client.closed, 5000, 'closed at expiry')
    expect(closed).toEqual({ code: CloseCode.Unauthorized, reason: 'token expired: sign in again' })
    // Closed at the token's expiry, not when it opened.
    expect(Date.now()).toBeGreaterThanOrEqual(expiryOf(token) - 50)
    await s.expectUnharmed(before, observer)
  })

  it('keeps a connection open past its old expiry after a RefreshToken message with a fresh token', async () => {
    const s = await setup()
    const short = s.server.token(CUSTOMER_1, 2)
    const control = await s.joined('C-0001', short)
    const refreshed = await s.joined('C-0001', short)
    refreshed.send(encodeRefreshToken(s.server.token(CUSTOMER_1, 3600)))

    expect(await until(() => control.closed, 5000, 'the control connection closed at expiry')).toMatchObject({
      code: CloseCode.Unauthorized,
    })
    await until(() => Date.now() > expiryOf(short) + 200, 5000, 'the old expiry passed')
    // Still open and still writing: its grant is stored and acknowledged.
    const doc = new Y.Doc()
    const d = grant(doc, CUSTOMER_1)
    sendDoc(refreshed, doc)
    const clock = Y.getState(doc.store, doc.clientID)
    await until(
      () => refreshed.durable().some((sv) => (sv.get(doc.clientID) ?? 0) >= clock),
      5000,
      'durable ack',
    )
    expect(refreshed.closed).toBeNull()
    expect((await s.store.auditChain('C-0001')).map((e) => e.decisionId)).toEqual([d.id])
  })

  const refreshRows: { name: string; token: (s: Awaited<ReturnType<typeof setup>>) => string }[] = [
    { name: "another user's token", token: (s) => s.server.token(CUSTOMER_2) },
    { name: "an agent's token", token: (s) => s.server.token(CSR_1) },
    { name: 'an expired token of the same user', token: (s) => s.server.token(CUSTOMER_1, -10) },
    { name: 'a garbage token', token: () => 'garbage' },
  ]

  it.each(refreshRows)('closes with 4401 on a RefreshToken message carrying $name', async (row) => {
    const s = await setup()
    await s.seed()
    const observer = await s.observe()
    const before = await s.record()
    const client = await s.joined('C-0001', s.server.token(CUSTOMER_1))
    client.send(encodeRefreshToken(row.token(s)))
    // Sent after the refresh: must not be judged once the connection is refused.
    client.send(encodeSyncUpdate(grantUpdate(CUSTOMER_1)))
    expect(await client.waitClosed()).toEqual({
      code: CloseCode.Unauthorized,
      reason: 'refreshed token is not valid for this connection',
    })
    await s.expectUnharmed(before, observer)
  })
})

describe('DESIGN §10: bytes that are not y-protocols → 4400', () => {
  const realUpdate = encodeSyncUpdate(grantUpdate(CUSTOMER_1))
  const rows: { name: string; bytes: Uint8Array | string; reason: string | RegExp }[] = [
    {
      // Fixed, so the test repeats; the first byte starts a varint no known type has.
      name: 'random bytes',
      bytes: Buffer.from('fd22c7f599cd0e9e8898bc7eb9448c45f14540b8ac4ce899', 'hex'),
      reason: /^malformed message: unknown message type \d+$/,
    },
    {
      name: 'unknown message type 77',
      bytes: Uint8Array.from([77, 1, 2, 3]),
      reason: 'malformed message: unknown message type 77',
    },
    {
      name: 'a truncated sync message',
      bytes: realUpdate.slice(0, Math.floor(realUpdate.byteLength / 2)),
      reason: 'malformed message: truncated or undecodable message',
    },
    { name: 'a text frame', bytes: 'hello', reason: 'malformed message: text frame' },
    {
      name: 'an unknown sync message',
      bytes: Uint8Array.from([0, 9, 0]),
      reason: 'malformed message: unknown sync message 9',
    },
    {
      name: 'trailing bytes after a message',
      bytes: Uint8Array.from([MessageType.QueryAwareness, MessageType.QueryAwareness]),
      reason: 'malformed message: trailing bytes after the message',
    },
    {
      name: "a durable ack, the server's own message (protocol SPEC 2.7)",
      bytes: encodeDurable(Y.encodeStateVector(new Y.Doc())),
      reason: 'malformed message: unknown message type 100',
    },
    {
      name: 'a sync step 1 whose state vector is not one',
      bytes: encodeSyncStep1(Uint8Array.from([5, 1, 2])),
      reason: 'malformed message: bad state vector',
    },
    {
      name: 'an awareness message whose update is not one',
      bytes: encodeAwareness(Uint8Array.from([1, 2, 3])),
      reason: 'malformed message: bad awareness update',
    },
    {
      name: 'a sync update whose payload is not a Yjs update',
      bytes: encodeSyncUpdate(Buffer.from('deadbeef01020304', 'hex')),
      reason: /^malformed message: /,
    },
  ]

  it.each(rows)('$name → close 4400, the document unharmed', async (row) => {
    const s = await setup()
    await s.seed()
    const observer = await s.observe()
    const before = await s.record()
    const client = await s.joined('C-0001', s.server.token(CUSTOMER_1))
    client.ws.send(row.bytes, { binary: typeof row.bytes !== 'string' })
    const closed = await client.waitClosed()
    expect(closed.code).toBe(CloseCode.Malformed)
    if (typeof row.reason === 'string') expect(closed.reason).toBe(row.reason)
    else expect(closed.reason).toMatch(row.reason)
    await s.expectUnharmed(before, observer)
  })
})

describe('DESIGN §10: updates breaking a rule of §6 → 4422 naming the rule', () => {
  const agentDecision = (over: Partial<Decision>): Decision => ({
    id: globalThis.crypto.randomUUID(),
    purposeId: 'marketing-email',
    state: 'withdrawn',
    supersedes: [],
    at: new Date().toISOString(),
    actor: { id: 'csr1', role: 'csr' },
    channel: 'phone',
    noticeVersion: '1.0',
    ...over,
  })
  const rows: { name: string; rule: RejectReason; user: TestUser; change: (doc: Y.Doc) => void }[] = [
    {
      name: 'a grant naming another customer',
      rule: 'actor-mismatch',
      user: CUSTOMER_1,
      change: (doc) => grant(doc, CUSTOMER_2),
    },
    {
      name: 'a valid grant and a forged one in one update',
      rule: 'actor-mismatch',
      user: CUSTOMER_1,
      change: (doc) =>
        doc.transact(() => {
          grant(doc, CUSTOMER_1, 'marketing-push')
          grant(doc, CUSTOMER_2)
        }),
    },
    {
      name: 'deleting a decision the server holds',
      rule: 'delete-forbidden',
      user: CSR_1,
      change: (doc) => decisionsOf(doc).delete(0, 1),
    },
    {
      name: 'a root type not in the schema',
      rule: 'unknown-root',
      user: CUSTOMER_1,
      change: (doc) => doc.getMap('backdoor').set('role', 'admin'),
    },
    {
      name: 'a purpose not in the catalog',
      rule: 'unknown-purpose',
      user: CUSTOMER_1,
      change: (doc) => grant(doc, CUSTOMER_1, 'mind-reading'),
    },
    {
      name: 'a customer writing evidence',
      rule: 'evidence-not-allowed',
      user: CUSTOMER_1,
      change: (doc) => grant(doc, CUSTOMER_1, 'marketing-sms', { evidence: 'I said so' }),
    },
    {
      name: 'an administrator writing',
      rule: 'read-only',
      user: ADMIN,
      change: (doc) => grant(doc, { ...ADMIN, role: 'csr' }),
    },
    {
      name: 'a customer claiming a phone call',
      rule: 'bad-channel',
      user: CUSTOMER_1,
      change: (doc) => grant(doc, CUSTOMER_1, 'marketing-sms', { channel: 'phone' }),
    },
    {
      name: 'superseding a decision the document does not hold',
      rule: 'bad-supersedes',
      user: CSR_1,
      change: (doc) =>
        decisionsOf(doc).push([agentDecision({ supersedes: [globalThis.crypto.randomUUID()] })]),
    },
    {
      name: 'a decision whose id is a formula',
      rule: 'invalid-field',
      user: CSR_1,
      change: (doc) => decisionsOf(doc).push([agentDecision({ id: '=HYPERLINK("http://x")' })]),
    },
    {
      name: 'a notice version the catalog never published',
      rule: 'unknown-notice-version',
      user: CSR_1,
      change: (doc) => decisionsOf(doc).push([agentDecision({ noticeVersion: '9.9' })]),
    },
    {
      name: 'a profile field not in the schema',
      rule: 'unknown-field',
      user: CUSTOMER_1,
      change: (doc) => (profileOf(doc) as Y.Map<string>).set('shoeSize', '42'),
    },
  ]

  it.each(rows)('$name → 4422 $rule; the stock client stops reconnecting', async (row) => {
    const s = await setup()
    await s.seed()
    const observer = await s.observe()
    const before = await s.record()
    const client = s.stock(row.user)
    await client.synced()
    row.change(client.doc)
    await until(() => client.closes.length > 0, 5000, 'rejected')
    expect(client.closes[0]?.code).toBe(CloseCode.Rejected)
    expect(client.closes[0]?.reason.startsWith(`${row.rule}: `)).toBe(true)
    // 4422 is permanent: the stock client does not resend the same bad update forever.
    expect(client.provider.shouldConnect).toBe(false)
    await s.expectUnharmed(before, observer)
    // The time that took is the bounded wait: no second connection was made, none is open.
    expect(client.closes).toHaveLength(1)
    expect(client.provider.ws).toBeNull()
    await until(() => s.server.ctx.rooms.connectionCount() === 1, 5000, 'only the observer connected')
  })

  it('an update depending on changes the server lacks → resync, then 4422 pending; nothing held back invisibly', async () => {
    const s = await setup()
    await s.seed()
    const observer = await s.observe()
    const before = await s.record()
    const client = await s.joined('C-0001', s.server.token(CSR_1))
    const doc = new Y.Doc()
    grant(doc, CSR_1, 'marketing-sms')
    const held = Y.encodeStateVector(doc)
    grant(doc, CSR_1, 'marketing-push')
    const ahead = encodeSyncUpdate(Y.encodeStateAsUpdate(doc, held)) // the second grant without the first
    const step1s = () => client.frames.filter(isStep1).length
    // First the server asks again (a client may send an edit before its step 2 arrived) ...
    client.send(ahead)
    await until(() => step1s() === 2, 5000, 'a second sync step 1 asking for what the update builds on')
    expect(client.closed).toBeNull()
    // ... and refuses once the client keeps sending what cannot be integrated.
    for (let i = 0; i < 3; i++) client.send(ahead)
    const closed = await client.waitClosed()
    expect(closed.code).toBe(CloseCode.Rejected)
    expect(closed.reason).toMatch(/^pending: /)
    await s.expectUnharmed(before, observer)
  })

  it('growth past MAX_DOCUMENT_BYTES → 4422 document-full, earlier decisions intact', async () => {
    const s = await setup({ env: { MAX_DOCUMENT_BYTES: '2048' } })
    const observer = await s.observe()
    const agent = s.stock(CSR_1)
    await agent.synced()
    const accepted = await s.fill(agent)
    expect(agent.closes[0]?.code).toBe(CloseCode.Rejected)
    expect(agent.closes[0]?.reason).toMatch(/^document-full: /)
    expect(agent.provider.shouldConnect).toBe(false)
    expect(accepted.length).toBeGreaterThan(0)
    const after = await s.record()
    expect(after.decisions).toEqual(accepted)
    expect((await s.store.auditChain('C-0001')).map((e) => e.decisionId)).toEqual(accepted)
    expect(after.updates).toHaveLength(accepted.length)
    // A full document takes no more growth: the fresh client only reads; the observer is still there.
    await s.expectUnharmed(after, observer, { write: false })
    expect(observer.provider.wsconnected).toBe(true)
    // Other documents are unaffected.
    const other = s.stock(CSR_1, 'C-0002')
    await other.synced()
    const d = grant(other.doc, CSR_1)
    await until(
      async () => (await s.store.auditChain('C-0002')).some((e) => e.decisionId === d.id),
      5000,
      'C-0002 writable',
    )
  })
})

describe('DESIGN §10: a withdrawal on a record at its size limit → accepted', () => {
  it('lets the customer withdraw what an agent granted after the agent filled the record, and says so', async () => {
    const s = await setup({ env: { MAX_DOCUMENT_BYTES: '2048' } })
    const agent = s.stock(CSR_1)
    await agent.synced()
    // An agent fills the record with grants (here on purpose) until it is refused.
    await s.fill(agent)
    expect(agent.closes[0]?.reason).toMatch(/^document-full: .*only withdrawals/)
    const near = await s.server.ctx.metrics.documentsNearLimit.get()
    expect(near.values[0]?.value).toBe(1)

    // The customer withdraws every purpose the agent granted: each is accepted and audited.
    const customer = s.stock(CUSTOMER_1)
    await customer.synced()
    const granted = foldAll(readDecisions(customer.doc), DEFAULT_CATALOG).filter((p) => p.state === 'granted')
    expect(granted.length).toBeGreaterThan(0)
    for (const p of granted) {
      const w = decideAs(customer.doc, CUSTOMER_1, p.purposeId, 'withdrawn')
      await until(
        async () => (await s.store.auditChain('C-0001')).some((e) => e.decisionId === w.id),
        5000,
        `withdrawal of ${p.purposeId} stored`,
      )
    }
    expect(customer.closes).toEqual([])
    const after = foldAll(await s.server.ctx.rooms.readDecisions('C-0001'), DEFAULT_CATALOG)
    expect(after.every((p) => p.state === 'withdrawn')).toBe(true)
    // A grant is still refused, with the rule.
    grant(customer.doc, CUSTOMER_1, 'marketing-sms')
    await until(() => customer.closes.length > 0, 5000, 'grant refused')
    expect(customer.closes[0]).toMatchObject({
      code: CloseCode.Rejected,
      reason: expect.stringMatching(/^document-full: /),
    })
  })
})

describe('DESIGN §10: message over the size limit → 4413', () => {
  /**
   * A sync update frame of exactly `size` bytes carrying a real decision, its notice version padded
   * past any legal one: the size limit refuses the frame before it is decoded or validated.
   */
  function frameOfSize(size: number): Uint8Array {
    for (let pad = size - 1000; pad < size; pad++) {
      const doc = new Y.Doc()
      // A fixed client id: a random one varies the frame by a byte (its varint), skipping sizes.
      doc.clientID = 1
      decide(doc, {
        purposeId: 'marketing-sms',
        state: 'granted',
        actor: { id: 'C-0001', role: 'customer' },
        channel: 'web',
        noticeVersion: 'v'.repeat(pad),
      })
      const frame = encodeSyncUpdate(Y.encodeStateAsUpdate(doc))
      if (frame.byteLength === size) return frame
    }
    throw new Error(`no frame of ${size} bytes`)
  }

  it('a 4096-byte message with MAX_MESSAGE_BYTES=2048 → 4413 naming both sizes', async () => {
    const s = await setup({ env: { MAX_MESSAGE_BYTES: '2048' } })
    await s.seed()
    const observer = await s.observe()
    const before = await s.record()
    const client = await s.joined('C-0001', s.server.token(CUSTOMER_1))
    client.send(frameOfSize(4096))
    expect(await client.waitClosed()).toEqual({
      code: CloseCode.TooLarge,
      reason: 'message of 4096 bytes exceeds 2048',
    })
    await s.expectUnharmed(before, observer)
  })

  it('a stock client sending an oversize update gets 4413 and stops reconnecting', async () => {
    const s = await setup({ env: { MAX_MESSAGE_BYTES: '2048' } })
    const observer = await s.observe()
    const before = await s.record()
    const client = s.stock(CUSTOMER_1)
    await client.synced()
    decide(client.doc, {
      purposeId: 'marketing-sms',
      state: 'granted',
      actor: { id: 'C-0001', role: 'customer' },
      channel: 'web',
      noticeVersion: 'v'.repeat(3000),
    })
    await until(() => client.closes.length > 0, 5000, 'closed')
    expect(client.closes[0]?.code).toBe(CloseCode.TooLarge)
    expect(client.closes[0]?.reason).toMatch(/^message of \d+ bytes exceeds 2048$/)
    expect(client.provider.shouldConnect).toBe(false)
    await s.expectUnharmed(before, observer)
    expect(client.closes).toHaveLength(1)
  })
})

describe('DESIGN §10: message flood and too many connections → 4529 (transient)', () => {
  it('50 quick messages with RATE_MESSAGES_PER_SECOND=5 → 4529; another user unaffected; the flooder reconnects', async () => {
    const s = await setup({ env: { RATE_MESSAGES_PER_SECOND: '5' } })
    await s.seed()
    const observer = await s.observe()
    const flooder = s.stock(CUSTOMER_1)
    await flooder.synced()
    const before = await s.record()
    const ws = flooder.provider.ws
    for (let i = 0; i < 50; i++) ws?.send(encodeQueryAwareness())
    await until(() => flooder.closes.length > 0, 5000, 'flooder closed')
    expect(flooder.closes[0]).toEqual({
      code: CloseCode.RateLimited,
      reason: 'rate limited: too many messages, try again later',
    })
    expect(flooder.provider.shouldConnect).toBe(true) // transient
    await s.expectUnharmed(before, observer)
    // The stock client came back by itself and is live again: it receives the later decision too.
    await until(() => flooder.provider.ws !== ws && flooder.provider.synced, 10_000, 'flooder reconnected')
    await until(
      () => readDecisions(flooder.doc).length === before.decisions.length + 1,
      5000,
      'flooder up to date',
    )
  })

  it('MAX_CONNECTIONS_PER_USER=2: a third connection → 4529, and it gets in once a slot is free', async () => {
    const s = await setup({ env: { MAX_CONNECTIONS_PER_USER: '2' } })
    const first = await s.observe('C-0001', CUSTOMER_1)
    const second = await s.observe('C-0001', CUSTOMER_1)
    const before = await s.record()
    const third = await s.raw('C-0001', s.server.token(CUSTOMER_1))
    expect(await third.waitClosed()).toEqual({
      code: CloseCode.RateLimited,
      reason: 'too many connections for this user, try again later',
    })
    expect(third.frames).toEqual([])
    // Others' limits are their own: csr1 writes, and both open connections receive it.
    await s.expectUnharmed(before, first)
    await until(
      () => readDecisions(second.doc).length === readDecisions(first.doc).length,
      5000,
      'second up to date',
    )
    // A stock client refused for now retries and gets in once one of the two leaves.
    const retrying = s.stock(CUSTOMER_1)
    await until(() => retrying.closes.length > 0, 5000, 'refused')
    expect(retrying.closes[0]?.code).toBe(CloseCode.RateLimited)
    first.destroy()
    await until(() => retrying.provider.synced, 10_000, 'retrying client let in')
    expect(retrying.closes.every((c) => c.code === CloseCode.RateLimited)).toBe(true)
  })
})

describe('DESIGN §10: storage error → 1011, no ack, nothing broadcast; the client resends', () => {
  it('closes the sender 1011 while append fails, and its change lands once storage is back', async () => {
    let failing = false
    let failures = 0
    const wrapStore = (store: Store): Store => ({
      ...store,
      append: async (requests) => {
        if (failing) {
          failures++
          throw new Error('disk I/O error (injected)')
        }
        return store.append(requests)
      },
    })
    const s = await setup({ wrapStore })
    await s.seed()
    const watcher = await s.joined('C-0001', s.server.token(CSR_2))
    const before = await s.record()

    const customer = s.stock(CUSTOMER_1, 'C-0001', { acks: true })
    const durable = trackDurable(customer.provider)
    await customer.synced()
    failing = true
    const d = grant(customer.doc, CUSTOMER_1, 'location-offers')
    await until(() => customer.closes.length > 0, 5000, 'sender closed')
    expect(customer.closes[0]).toEqual({
      code: CloseCode.StorageError,
      reason: 'storage error: the change was not saved; it will be resent',
    })
    expect(failures).toBeGreaterThan(0)
    expect(durable.saved()).toBe(false)
    // Whatever the server sent the watcher before now has arrived: no broadcast among it.
    const served = await roundTrip(watcher)
    expect(broadcastsTo(watcher)).toEqual([])
    expect(served.map((x) => x.id)).toEqual(before.decisions)
    expect(await s.record()).toEqual(before)

    failing = false
    // 1011 is transient: the stock client reconnects by itself and resends from its own document.
    await until(() => durable.saved(), 15_000, 'the change acknowledged after storage recovered')
    expect(customer.closes.every((c) => c.code === CloseCode.StorageError)).toBe(true)
    const audit = await s.store.auditChain('C-0001')
    expect(audit.filter((e) => e.decisionId === d.id)).toHaveLength(1)
    expect(audit).toHaveLength(before.audit.length + 1)
    await until(() => broadcastsTo(watcher).length > 0, 5000, 'the watcher receives the change')
    expect((await roundTrip(watcher)).map((x) => x.id)).toEqual([...before.decisions, d.id])
    expect(watcher.closed).toBeNull()
  })
})
