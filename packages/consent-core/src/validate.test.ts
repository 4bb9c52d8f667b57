import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { COMPILED_CATALOG, DEFAULT_CATALOG, findPurpose, type PurposeCatalog } from './catalog'
import { decide, decisionsOf, profileOf, readDecisions, readProfile, setProfile } from './document'
import { DEFAULT_LIMITS, type Limits } from './limits'
import type { ConnectionUser, Decision } from './types'
import { validateUpdate } from './validate'
import type { RejectReason, ValidationResult } from './validation-result'

const CUSTOMER: ConnectionUser = { id: 'C-0001', role: 'customer', customerId: 'C-0001' }
const CSR: ConnectionUser = { id: 'csr1', role: 'csr' }
const ADMIN: ConnectionUser = { id: 'admin1', role: 'admin' }
const SERVICE: ConnectionUser = { id: 'billing', role: 'service' }

/** A fixed decision id (SPEC 2.5) per small number, so a failing case replays exactly. */
function uuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
}
const NEW_ID = '5d2c1f0e-8b9a-4c3d-9e7f-6a5b4c3d2e1f'
const FORGED_ID = 'f0f0f0f0-0000-4000-8000-00000000f0f0'
const MISSING_ID = '0e0e0e0e-0000-4000-8000-00000000dead'
const SELF_ID = uuid(0x5e1f)
const [ID_A, ID_B, ID_C] = [uuid(0xa), uuid(0xb), uuid(0xc)]

/** A decision the customer may write, on a purpose the server holds nothing for. */
function rawDecision(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: NEW_ID,
    purposeId: 'marketing-email',
    state: 'granted',
    supersedes: [],
    at: '2026-11-20T10:00:00+05:30',
    actor: { id: 'C-0001', role: 'customer' },
    channel: 'web',
    noticeVersion: '1.0',
    ...overrides,
  }
}

/**
 * A server doc holding one customer decision on `marketing-sms` and `profile.language = en`, plus
 * factories for clients synced from it and a check that validation left it untouched (SPEC 2.14).
 */
function setup() {
  const server = new Y.Doc()
  const seed = new Y.Doc()
  const held = decide(seed, {
    purposeId: 'marketing-sms',
    state: 'granted',
    actor: { id: 'C-0001', role: 'customer' },
    channel: 'app',
    noticeVersion: '1.0',
    at: '2026-11-01T08:00:00Z',
  })
  setProfile(seed, 'language', 'en')
  Y.applyUpdate(server, Y.encodeStateAsUpdate(seed))

  const snapshot = () => ({
    stateVector: Y.encodeStateVector(server),
    state: Y.encodeStateAsUpdate(server),
    decisions: JSON.stringify(readDecisions(server)),
    profile: JSON.stringify(readProfile(server)),
  })
  const before = snapshot()

  /** A client replica that has synced with the server. */
  const client = (opts: { gc?: boolean } = {}) => {
    const doc = new Y.Doc({ gc: opts.gc ?? true })
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(server))
    return doc
  }
  /** What the client has that the server lacks: the update it would send. */
  const diff = (doc: Y.Doc) => Y.encodeStateAsUpdate(doc, Y.encodeStateVector(server))
  const validate = (
    update: Uint8Array,
    user: ConnectionUser = CUSTOMER,
    limits: Limits = DEFAULT_LIMITS,
    catalog: PurposeCatalog = DEFAULT_CATALOG,
  ) => validateUpdate(server, update, user, catalog, limits)
  const expectUnchanged = () => expect(snapshot()).toEqual(before)
  const expectRejected = (result: ValidationResult, reason: RejectReason) => {
    expect(result).toMatchObject({ ok: false, reason })
    expectUnchanged()
  }
  return { server, held, client, diff, validate, expectUnchanged, expectRejected }
}

/** Pushes raw values into a synced client's `decisions` and returns the update it would send. */
function pushRaw(t: ReturnType<typeof setup>, ...values: unknown[]): Uint8Array {
  const doc = t.client()
  doc.getArray<unknown>('decisions').push(values)
  return t.diff(doc)
}

describe('valid updates', () => {
  it('accepts a customer decision that supersedes the head it saw (SPEC 2.1, 2.6, 2.9)', () => {
    const t = setup()
    const doc = t.client()
    const d = decide(doc, {
      purposeId: 'marketing-sms',
      state: 'withdrawn',
      actor: { id: 'C-0001', role: 'customer' },
      channel: 'web',
      noticeVersion: '1.0',
    })
    expect(d.supersedes).toEqual([t.held.id])
    const result = t.validate(t.diff(doc))
    expect(result).toMatchObject({ ok: true, changed: true, added: [d], profile: {} })
    t.expectUnchanged()
  })

  it("judges a decision that Yjs merges into the same client's held item (SPEC 2.13)", () => {
    // Regression: a new item continuing the client's held one is merged into it on the shadow,
    // and used to be taken for a held item: accepted unjudged with changed: false.
    const t = setup()
    const device = new Y.Doc()
    decide(device, customerInput('marketing-push', 'granted'))
    Y.applyUpdate(t.server, Y.encodeStateAsUpdate(device))
    const sv = Y.encodeStateVector(t.server)
    const second = decide(device, customerInput('marketing-push', 'withdrawn'))
    const update = Y.encodeStateAsUpdate(device, sv)
    expect(t.validate(update)).toMatchObject({ ok: true, changed: true, added: [second] })

    Y.applyUpdate(t.server, update)
    decisionsOf(device).push([{ ...second, id: FORGED_ID, actor: { id: 'C-0002', role: 'customer' } }])
    const forged = Y.encodeStateAsUpdate(device, Y.encodeStateVector(t.server))
    const held = Y.encodeStateAsUpdate(t.server)
    expect(t.validate(forged)).toMatchObject({ ok: false, reason: 'actor-mismatch' })
    expect(Y.encodeStateAsUpdate(t.server)).toEqual(held)
  })

  it('accepts a CSR decision with evidence of exactly 500 characters (SPEC 2.9, 2.11, 2.12)', () => {
    const t = setup()
    const doc = t.client()
    const d = decide(doc, {
      purposeId: 'partner-sharing',
      state: 'granted',
      actor: { id: 'csr1', role: 'csr' },
      channel: 'phone',
      noticeVersion: '1.1',
      evidence: 'x'.repeat(500),
    })
    expect(t.validate(t.diff(doc), CSR)).toMatchObject({ ok: true, changed: true, added: [d] })
    t.expectUnchanged()
  })

  it('accepts profile overwrites, several in one offline update (SPEC 2.8)', () => {
    for (const gc of [true, false]) {
      const t = setup()
      const doc = t.client({ gc })
      // Consecutive overwritten values of one key may be merged into one item on the shadow.
      setProfile(doc, 'language', 'si')
      setProfile(doc, 'language', 'en')
      setProfile(doc, 'contactChannel', 'sms')
      setProfile(doc, 'language', 'ta')
      const update = t.diff(doc)
      expect(t.validate(update)).toMatchObject({
        ok: true,
        changed: true,
        added: [],
        profile: { language: 'ta', contactChannel: 'sms' },
      })
      t.expectUnchanged()
      const copy = new Y.Doc()
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(t.server))
      Y.applyUpdate(copy, update)
      expect(readProfile(copy)).toEqual({ language: 'ta', contactChannel: 'sms' })
    }
  })

  it('accepts a re-send of held items with changed: false, even from a read-only user (SPEC 2.13)', () => {
    const t = setup()
    const whole = Y.encodeStateAsUpdate(t.server)
    for (const user of [CUSTOMER, CSR, ADMIN, SERVICE]) {
      expect(t.validate(whole, user)).toEqual({
        ok: true,
        added: [],
        profile: {},
        changed: false,
        documentBytes: whole.byteLength,
      })
    }
    // Held items are not re-judged, even against a catalog that no longer has their purpose.
    const shrunk: PurposeCatalog = { version: 'x', purposes: [] }
    expect(t.validate(whole, CSR, DEFAULT_LIMITS, shrunk)).toMatchObject({ ok: true, changed: false })
    // Nor against one whose notice moved on without listing the version they were made under.
    const moved: PurposeCatalog = {
      version: 'y',
      purposes: DEFAULT_CATALOG.purposes.map((p) => ({ ...p, version: '9.0' })),
    }
    expect(t.validate(whole, CUSTOMER, DEFAULT_LIMITS, moved)).toMatchObject({ ok: true, changed: false })
    t.expectUnchanged()
  })

  it("relays another user's held decision alongside its own (SPEC 2.13)", () => {
    const t = setup()
    const agent = t.client()
    const own = decide(agent, {
      purposeId: 'marketing-sms',
      state: 'withdrawn',
      actor: { id: 'csr1', role: 'csr' },
      channel: 'store',
      noticeVersion: '1.0',
    })
    // The whole state: the customer's held decision (actor C-0001) travels with the agent's own.
    const result = t.validate(Y.encodeStateAsUpdate(agent), CSR)
    expect(result).toMatchObject({ ok: true, changed: true, added: [own] })
    t.expectUnchanged()
  })
})

function customerInput(purposeId: string, state: Decision['state']) {
  return {
    purposeId,
    state,
    actor: { id: 'C-0001', role: 'customer' as const },
    channel: 'web' as const,
    noticeVersion: '1.0',
  }
}

describe('rejected updates', () => {
  it('pending: an update depending on one the server lacks (SPEC 2.2)', () => {
    const t = setup()
    const doc = t.client()
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    decide(doc, customerInput('marketing-email', 'granted'))
    decide(doc, customerInput('marketing-email', 'withdrawn'))
    expect(updates).toHaveLength(2)
    t.expectRejected(t.validate(updates[1]!), 'pending')
    // The first alone is fine: it is the dependency that was missing.
    expect(t.validate(updates[0]!)).toMatchObject({ ok: true })
  })

  it('pending: a delete of an item the server lacks (SPEC 2.2)', () => {
    const t = setup()
    const other = t.client()
    setProfile(other, 'contactChannel', 'sms')
    const doc = t.client()
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other))
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    setProfile(doc, 'contactChannel', 'email')
    const withoutItsDependency = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(other))
    t.expectRejected(t.validate(withoutItsDependency), 'pending')
  })

  it('malformed: bytes that are not a Yjs update, never a throw (SPEC 2.2)', () => {
    const t = setup()
    for (const bytes of [
      new Uint8Array(),
      Uint8Array.of(1, 2, 3),
      Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff),
    ]) {
      t.expectRejected(t.validate(bytes), 'malformed')
    }
    // biome-ignore lint/suspicious/noExplicitAny: a caller outside TypeScript may pass anything.
    t.expectRejected(t.validate('not bytes' as any), 'malformed')
  })

  it('bad-shape: a shared Y.Map pushed into decisions (SPEC 2.3)', () => {
    const t = setup()
    const doc = t.client()
    const map = new Y.Map<unknown>()
    for (const [k, v] of Object.entries(rawDecision())) map.set(k, v)
    decisionsOf(doc).push([map as unknown as Decision])
    t.expectRejected(t.validate(t.diff(doc)), 'bad-shape')
  })

  it('bad-shape: a decision map edited in place (SPEC 2.3)', () => {
    // A client that stored a decision as a Y.Map (the server never accepts one) and edits it.
    const t = setup()
    const doc = t.client()
    const map = new Y.Map<unknown>()
    decisionsOf(doc).push([map as unknown as Decision])
    map.set('state', 'granted')
    map.set('state', 'withdrawn')
    t.expectRejected(t.validate(t.diff(doc)), 'bad-shape')
  })

  it('bad-shape: garbage-collected structs (a deleted nested type) (SPEC 2.3)', () => {
    const t = setup()
    const doc = t.client()
    const map = new Y.Map<unknown>()
    decisionsOf(doc).push([map as unknown as Decision])
    map.set('id', 'x')
    decisionsOf(doc).delete(decisionsOf(doc).length - 1, 1)
    t.expectRejected(t.validate(t.diff(doc)), 'bad-shape')
  })

  it('bad-shape: binary, strings and arrays in decisions (SPEC 2.3)', () => {
    for (const value of [Uint8Array.of(1, 2), 'granted', 42, null, [rawDecision()]]) {
      const t = setup()
      t.expectRejected(t.validate(pushRaw(t, value)), 'bad-shape')
    }
  })

  it('bad-shape: decisions written as a map key, profile as an array (SPEC 2.3)', () => {
    const t = setup()
    const doc = t.client()
    doc.getMap<unknown>('decisions').set(NEW_ID, rawDecision())
    t.expectRejected(t.validate(t.diff(doc)), 'bad-shape')

    const fresh = new Y.Doc()
    fresh.getArray<string>('profile').push(['en'])
    t.expectRejected(t.validate(Y.encodeStateAsUpdate(fresh)), 'bad-shape')
  })

  it('unknown-root: content under any other root type (SPEC 2.3, 1.5)', () => {
    const t = setup()
    const doc = t.client()
    doc.getMap<number>('hack').set('x', 1)
    t.expectRejected(t.validate(t.diff(doc)), 'unknown-root')

    const text = t.client()
    text.getText('notes').insert(0, 'hi')
    t.expectRejected(t.validate(t.diff(text)), 'unknown-root')
  })

  it('unknown-field: a decision field outside the schema (SPEC 2.4)', () => {
    const t = setup()
    t.expectRejected(t.validate(pushRaw(t, rawDecision({ priority: 1 }))), 'unknown-field')
  })

  const invalidFields: [string, Record<string, unknown> | ((d: Record<string, unknown>) => void)][] = [
    ['missing noticeVersion', (d) => delete d.noticeVersion],
    ['missing supersedes', (d) => delete d.supersedes],
    ['state not an enum value', { state: 'maybe' }],
    ['supersedes not an array', { supersedes: ID_A }],
    ['supersedes entry not a string', { supersedes: [1] }],
    ['supersedes entry of 65 characters', { supersedes: ['x'.repeat(65)] }],
    ['channel not an enum value', { channel: 'fax' }],
    ['actor with an extra key', { actor: { id: 'C-0001', role: 'customer', name: 'A' } }],
    ['actor role admin', { actor: { id: 'C-0001', role: 'admin' } }],
    ['actor a string', { actor: 'C-0001' }],
    ['evidence not a string', { evidence: 5 }],
    ['empty id', { id: '' }],
    ['id of 65 characters', { id: 'x'.repeat(65) }],
    ['id not a UUID', { id: 'd-new' }],
    ['id a formula', { id: '=1+2' }],
    ['id a UUID without hyphens', { id: NEW_ID.replaceAll('-', '') }],
    ['id a UUID in braces', { id: `{${NEW_ID}}` }],
    ['id a UUID with a trailing newline', { id: `${NEW_ID}\n` }],
    ['purposeId a number', { purposeId: 7 }],
    ['noticeVersion empty', { noticeVersion: '' }],
    ['noticeVersion a formula', { noticeVersion: '=1+2' }],
    ['noticeVersion starting with a dot', { noticeVersion: '.1' }],
    ['noticeVersion with a space', { noticeVersion: '1 0' }],
    ['noticeVersion of 65 characters', { noticeVersion: '1'.repeat(65) }],
    ['at without a zone', { at: '2026-11-20T10:00:00' }],
    ['at a date only', { at: '2026-11-20' }],
    ['at not a date', { at: 'yesterday' }],
    ['at out of range', { at: '2026-13-45T10:00:00Z' }],
  ]
  it.each(invalidFields)('invalid-field: %s (SPEC 2.4, 2.5)', (_name, change) => {
    const t = setup()
    const d = rawDecision()
    if (typeof change === 'function') change(d)
    else Object.assign(d, change)
    t.expectRejected(t.validate(pushRaw(t, d)), 'invalid-field')
  })

  it('accepts a lower-case UUID id and at with an offset, not upper case or 64 other characters (SPEC 2.5)', () => {
    const t = setup()
    const offset = rawDecision({ at: '2026-11-20T10:00+05:30' })
    expect(t.validate(pushRaw(t, offset))).toMatchObject({ ok: true, changed: true })
    // One id, one spelling: otherwise the same UUID in two cases would pass duplicate-id.
    t.expectRejected(t.validate(pushRaw(t, rawDecision({ id: NEW_ID.toUpperCase() }))), 'invalid-field')
    t.expectRejected(t.validate(pushRaw(t, rawDecision({ id: 'x'.repeat(64) }))), 'invalid-field')
  })

  it('lets a decision supersede a held one whose id predates the UUID rule (SPEC 2.5, 2.10)', () => {
    const t = setup()
    const legacy = { ...rawDecision({ id: 'legacy-17', purposeId: 'marketing-push' }) }
    t.server.getArray<unknown>('decisions').push([legacy])
    const d = rawDecision({ purposeId: 'marketing-push', state: 'withdrawn', supersedes: ['legacy-17'] })
    expect(t.validate(pushRaw(t, d))).toMatchObject({ ok: true, changed: true })
  })

  it('actor-mismatch: a decision naming someone else (SPEC 2.6)', () => {
    const cases: [ConnectionUser, Record<string, unknown>][] = [
      [CUSTOMER, { actor: { id: 'C-0002', role: 'customer' } }],
      [CUSTOMER, { actor: { id: 'csr1', role: 'csr' }, channel: 'phone' }],
      [CSR, { actor: { id: 'csr2', role: 'csr' }, channel: 'phone' }],
      [CSR, { actor: { id: 'csr1', role: 'customer' }, channel: 'phone' }],
    ]
    for (const [user, overrides] of cases) {
      const t = setup()
      t.expectRejected(t.validate(pushRaw(t, rawDecision(overrides)), user), 'actor-mismatch')
    }
  })

  it('read-only: an admin or service user may not write (SPEC 2.6)', () => {
    for (const user of [ADMIN, SERVICE]) {
      const t = setup()
      const forUser = rawDecision({ actor: { id: user.id, role: 'csr' }, channel: 'phone' })
      t.expectRejected(t.validate(pushRaw(t, forUser), user), 'read-only')
      const doc = t.client()
      setProfile(doc, 'language', 'ta')
      t.expectRejected(t.validate(t.diff(doc), user), 'read-only')
    }
  })

  it('delete-forbidden: deleting a decision (SPEC 2.7)', () => {
    const t = setup()
    const doc = t.client()
    decisionsOf(doc).delete(0, 1)
    t.expectRejected(t.validate(t.diff(doc)), 'delete-forbidden')
  })

  it('delete-forbidden: replacing a decision with an edited copy (SPEC 2.7)', () => {
    const t = setup()
    const doc = t.client()
    const [original] = readDecisions(doc)
    decisionsOf(doc).delete(0, 1)
    decisionsOf(doc).insert(0, [{ ...original!, state: 'withdrawn' }])
    t.expectRejected(t.validate(t.diff(doc)), 'delete-forbidden')
  })

  it('delete-forbidden: removing a profile key, held or just set (SPEC 2.8)', () => {
    const t = setup()
    const doc = t.client()
    profileOf(doc).delete('language')
    t.expectRejected(t.validate(t.diff(doc)), 'delete-forbidden')

    const offline = t.client()
    setProfile(offline, 'contactChannel', 'push')
    profileOf(offline).delete('contactChannel')
    t.expectRejected(t.validate(t.diff(offline)), 'delete-forbidden')
  })

  it('unknown-field / invalid-field: profile keys and values (SPEC 2.8)', () => {
    const t = setup()
    const unknownKey = t.client()
    profileOf(unknownKey).set('shoeSize', '42')
    t.expectRejected(t.validate(t.diff(unknownKey)), 'unknown-field')

    for (const value of ['fr', 42, { lang: 'en' }, null]) {
      const doc = t.client()
      doc.getMap<unknown>('profile').set('language', value)
      t.expectRejected(t.validate(t.diff(doc)), 'invalid-field')
    }
  })

  it('bad-channel: a CSR through web, a customer through phone (SPEC 2.9)', () => {
    const t = setup()
    const csrWeb = rawDecision({ actor: { id: 'csr1', role: 'csr' }, channel: 'web' })
    t.expectRejected(t.validate(pushRaw(t, csrWeb), CSR), 'bad-channel')
    t.expectRejected(t.validate(pushRaw(t, rawDecision({ channel: 'phone' }))), 'bad-channel')
  })

  it('bad-supersedes: unknown id, another purpose, itself, twice, a cycle (SPEC 2.10)', () => {
    const t = setup()
    const held = t.held.id
    const cases: unknown[][] = [
      [rawDecision({ purposeId: 'marketing-sms', supersedes: [MISSING_ID] })],
      [rawDecision({ purposeId: 'marketing-sms', supersedes: [held, MISSING_ID] })],
      [rawDecision({ purposeId: 'marketing-email', supersedes: [held] })],
      [rawDecision({ id: SELF_ID, supersedes: [SELF_ID] })],
      [rawDecision({ purposeId: 'marketing-sms', supersedes: [held, held] })],
      [rawDecision({ id: ID_A, supersedes: [ID_B] }), rawDecision({ id: ID_B, supersedes: [ID_A] })],
      [
        rawDecision({ id: ID_A, supersedes: [ID_C] }),
        rawDecision({ id: ID_B, supersedes: [ID_A] }),
        rawDecision({ id: ID_C, supersedes: [ID_B] }),
      ],
    ]
    for (const values of cases) t.expectRejected(t.validate(pushRaw(t, ...values)), 'bad-supersedes')
    // A chain without a loop is fine.
    const chain = [rawDecision({ id: ID_A }), rawDecision({ id: ID_B, supersedes: [ID_A] })]
    expect(t.validate(pushRaw(t, ...chain))).toMatchObject({ ok: true })
  })

  it('duplicate-id: a held id reused, or two new decisions with one id (SPEC 2.10)', () => {
    const t = setup()
    t.expectRejected(t.validate(pushRaw(t, rawDecision({ id: t.held.id }))), 'duplicate-id')
    t.expectRejected(
      t.validate(pushRaw(t, rawDecision(), rawDecision({ state: 'withdrawn' }))),
      'duplicate-id',
    )
  })

  it('evidence-not-allowed: a customer writing evidence, even empty (SPEC 2.11)', () => {
    const t = setup()
    for (const evidence of ['said yes on the phone', '']) {
      t.expectRejected(t.validate(pushRaw(t, rawDecision({ evidence }))), 'evidence-not-allowed')
    }
  })

  it('unknown-purpose: a purpose not in the catalog (SPEC 2.11)', () => {
    const t = setup()
    t.expectRejected(t.validate(pushRaw(t, rawDecision({ purposeId: 'telepathy' }))), 'unknown-purpose')
  })

  it('unknown-notice-version: a version the catalog never published for the purpose (SPEC 2.11)', () => {
    const t = setup()
    const offers = findPurpose(DEFAULT_CATALOG, 'personalised-offers')!.version
    expect(offers).toBe('1.2')
    for (const [purposeId, noticeVersion] of [
      ['marketing-email', '9.9'],
      ['personalised-offers', '1.0'],
      // Published, but for another purpose.
      ['marketing-email', offers],
      ['marketing-email', '1.0.0'],
    ]) {
      const d = rawDecision({ purposeId, noticeVersion })
      t.expectRejected(t.validate(pushRaw(t, d)), 'unknown-notice-version')
    }
    const agent = rawDecision({ actor: { id: 'csr1', role: 'csr' }, channel: 'phone', noticeVersion: '0.9' })
    t.expectRejected(t.validate(pushRaw(t, agent), CSR), 'unknown-notice-version')
    // The purpose's current version is accepted.
    const current = rawDecision({ purposeId: 'personalised-offers', noticeVersion: offers })
    expect(t.validate(pushRaw(t, current))).toMatchObject({ ok: true, changed: true })
  })

  it('accepts a version listed in earlierVersions, nothing older (SPEC 1.4, 2.11)', () => {
    const t = setup()
    // A compiled catalog (no `versions`, SPEC 1.6) names its earlier versions this way.
    const catalog: PurposeCatalog = {
      ...COMPILED_CATALOG,
      purposes: COMPILED_CATALOG.purposes.map((p) =>
        p.id === 'personalised-offers' ? { ...p, earlierVersions: ['1.0', '1.1'] } : p,
      ),
    }
    for (const noticeVersion of ['1.0', '1.1', '1.2']) {
      const d = rawDecision({ purposeId: 'personalised-offers', noticeVersion })
      expect(t.validate(pushRaw(t, d), CUSTOMER, DEFAULT_LIMITS, catalog)).toMatchObject({
        ok: true,
        changed: true,
      })
    }
    const older = rawDecision({ purposeId: 'personalised-offers', noticeVersion: '0.9' })
    t.expectRejected(
      t.validate(pushRaw(t, older), CUSTOMER, DEFAULT_LIMITS, catalog),
      'unknown-notice-version',
    )
    // Earlier versions of one purpose are not published for another.
    const other = rawDecision({ purposeId: 'usage-analytics', noticeVersion: '1.1' })
    t.expectRejected(
      t.validate(pushRaw(t, other), CUSTOMER, DEFAULT_LIMITS, catalog),
      'unknown-notice-version',
    )
    // Without earlierVersions, the default catalog takes only the current version.
    const d = rawDecision({ purposeId: 'personalised-offers', noticeVersion: '1.1' })
    t.expectRejected(t.validate(pushRaw(t, d)), 'unknown-notice-version')
  })

  it('too-large: evidence over 500 characters (SPEC 2.12)', () => {
    const t = setup()
    const d = rawDecision({ actor: { id: 'csr1', role: 'csr' }, channel: 'phone', evidence: 'x'.repeat(501) })
    t.expectRejected(t.validate(pushRaw(t, d), CSR), 'too-large')
  })

  it('too-large: more than 200 decisions in one update (SPEC 2.12)', () => {
    const t = setup()
    const many = (n: number) => Array.from({ length: n }, (_, i) => rawDecision({ id: uuid(i) }))
    expect(t.validate(pushRaw(t, ...many(200)))).toMatchObject({ ok: true })
    t.expectRejected(t.validate(pushRaw(t, ...many(201))), 'too-large')
  })

  it('too-large: supersedes over the limit (SPEC 2.12)', () => {
    const t = setup()
    const ids = Array.from({ length: 65 }, (_, i) => uuid(i))
    t.expectRejected(t.validate(pushRaw(t, rawDecision({ supersedes: ids }))), 'too-large')
    const one = { ...DEFAULT_LIMITS, maxSupersedes: 0 }
    const superseding = rawDecision({ purposeId: 'marketing-sms', supersedes: [t.held.id] })
    t.expectRejected(t.validate(pushRaw(t, superseding), CUSTOMER, one), 'too-large')
  })

  it('too-large: an update over maxUpdateBytes (SPEC 2.12)', () => {
    const t = setup()
    const update = pushRaw(t, rawDecision())
    const limits = { ...DEFAULT_LIMITS, maxUpdateBytes: update.byteLength - 1 }
    t.expectRejected(t.validate(update, CUSTOMER, limits), 'too-large')
    expect(t.validate(update, CUSTOMER, { ...limits, maxUpdateBytes: update.byteLength })).toMatchObject({
      ok: true,
    })
  })

  it('document-full: growth past maxDocumentBytes (SPEC 2.12)', () => {
    const t = setup()
    const update = pushRaw(t, rawDecision())
    const held = Y.encodeStateAsUpdate(t.server).byteLength
    const limits = { ...DEFAULT_LIMITS, maxDocumentBytes: held + update.byteLength - 1 }
    t.expectRejected(t.validate(update, CUSTOMER, limits), 'document-full')
    const roomy = { ...limits, maxDocumentBytes: held + update.byteLength }
    expect(t.validate(update, CUSTOMER, roomy)).toMatchObject({
      ok: true,
      documentBytes: held + update.byteLength,
    })
  })
})

describe('a record at its size limit (SPEC 2.12)', () => {
  /** Limits under which the set-up record (one grant of marketing-sms) is already full. */
  const full = (t: ReturnType<typeof setup>, headroom = DEFAULT_LIMITS.withdrawalHeadroomBytes): Limits => ({
    ...DEFAULT_LIMITS,
    maxDocumentBytes: Y.encodeStateAsUpdate(t.server).byteLength,
    withdrawalHeadroomBytes: headroom,
  })

  it('still takes the withdrawal of a granted purpose', () => {
    const t = setup()
    const doc = t.client()
    const d = decide(doc, customerInput('marketing-sms', 'withdrawn'))
    expect(t.validate(t.diff(doc), CUSTOMER, full(t))).toMatchObject({ ok: true, added: [d] })
    // An agent's withdrawal too.
    const agentDoc = t.client()
    decide(agentDoc, {
      ...customerInput('marketing-sms', 'withdrawn'),
      actor: { id: 'csr1', role: 'csr' },
      channel: 'phone',
      evidence: 'call',
    })
    expect(t.validate(t.diff(agentDoc), CSR, full(t))).toMatchObject({ ok: true })
    t.expectUnchanged()
  })

  it('refuses grants, profile changes and withdrawals that change nothing', () => {
    const t = setup()
    const grant = t.client()
    decide(grant, customerInput('marketing-email', 'granted'))
    t.expectRejected(t.validate(t.diff(grant), CUSTOMER, full(t)), 'document-full')
    const profile = t.client()
    setProfile(profile, 'language', 'si')
    t.expectRejected(t.validate(t.diff(profile), CUSTOMER, full(t)), 'document-full')
    // marketing-email was never granted: withdrawing it again would only fill the headroom.
    const idle = t.client()
    decide(idle, customerInput('marketing-email', 'withdrawn'))
    const verdict = t.validate(t.diff(idle), CUSTOMER, full(t))
    t.expectRejected(verdict, 'document-full')
    expect(verdict).toMatchObject({ detail: expect.stringMatching(/withdrawn already/) })
    // Two withdrawals of one granted purpose in one update: the second changes nothing.
    const twice = t.client()
    decide(twice, customerInput('marketing-sms', 'withdrawn'))
    decide(twice, customerInput('marketing-sms', 'withdrawn'))
    t.expectRejected(t.validate(t.diff(twice), CUSTOMER, full(t)), 'document-full')
  })

  it('refuses even a withdrawal past the hard ceiling', () => {
    const t = setup()
    const doc = t.client()
    decide(doc, customerInput('marketing-sms', 'withdrawn'))
    const update = t.diff(doc)
    t.expectRejected(t.validate(update, CUSTOMER, full(t, update.byteLength - 1)), 'document-full')
    expect(t.validate(update, CUSTOMER, full(t, update.byteLength))).toMatchObject({ ok: true })
  })
})

describe('any bytes (SPEC 2.2, 2.14)', () => {
  const check = (t: ReturnType<typeof setup>, bytes: Uint8Array) => {
    for (const user of [CUSTOMER, CSR]) {
      const result = t.validate(bytes, user)
      expect(typeof result.ok).toBe('boolean')
    }
    t.expectUnchanged()
  }

  it('random bytes never throw and never change the document', () => {
    const t = setup()
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => check(t, bytes)),
      { numRuns: 500 },
    )
  })

  it('mutations of a valid update never throw and never change the document', () => {
    const t = setup()
    const doc = t.client()
    decide(doc, customerInput('marketing-sms', 'withdrawn'))
    setProfile(doc, 'language', 'si')
    const valid = t.diff(doc)
    expect(t.validate(valid)).toMatchObject({ ok: true })
    const flips = fc.array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 7 })), {
      minLength: 1,
      maxLength: 4,
    })
    fc.assert(
      fc.property(
        flips,
        fc.nat({ max: valid.length }),
        fc.uint8Array({ maxLength: 16 }),
        (bits, cut, tail) => {
          const flipped = valid.slice()
          for (const [i, bit] of bits) flipped[i]! ^= 1 << bit
          check(t, flipped)
          check(t, valid.slice(0, cut))
          check(t, Uint8Array.from([...valid.slice(0, cut), ...tail]))
        },
      ),
      { numRuns: 500 },
    )
  })
})
