import fc from 'fast-check'
import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { decodeAwarenessEntries, encodeAwarenessEntries } from './awareness-entries'
import {
  encodeAwareness,
  encodeMessage,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  type Message,
} from './frames'
import { MessageType } from './message-type'
import { parseFrame, parseMessage } from './parse'
import { decodeStateVector, encodeStateVector } from './state-vector'

/** What the stock y-websocket provider writes, built with y-protocols itself. */
function stock(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  write(e)
  return encoding.toUint8Array(e)
}

function docWithContent(): Y.Doc {
  const doc = new Y.Doc()
  doc.getArray('decisions').push([{ a: 1 }])
  doc.getMap('profile').set('language', 'si')
  return doc
}

describe("frames are the stock client's, byte for byte (SPEC 2.1, 2.2)", () => {
  it('sync step 1, step 2 and update', () => {
    const doc = docWithContent()
    expect(encodeSyncStep1(Y.encodeStateVector(doc))).toEqual(
      stock((e) => {
        encoding.writeVarUint(e, MessageType.Sync)
        syncProtocol.writeSyncStep1(e, doc)
      }),
    )
    expect(encodeSyncStep2(Y.encodeStateAsUpdate(doc))).toEqual(
      stock((e) => {
        encoding.writeVarUint(e, MessageType.Sync)
        syncProtocol.writeSyncStep2(e, doc)
      }),
    )
    const update = Y.encodeStateAsUpdate(doc)
    expect(encodeSyncUpdate(update)).toEqual(
      stock((e) => {
        encoding.writeVarUint(e, MessageType.Sync)
        syncProtocol.writeUpdate(e, update)
      }),
    )
  })

  it('awareness, and its entries as y-protocols encodes them', () => {
    const doc = new Y.Doc()
    const awareness = new awarenessProtocol.Awareness(doc)
    awareness.setLocalState({ user: { id: 'C-0001' }, editing: true })
    const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])
    expect(encodeAwareness(update)).toEqual(
      stock((e) => {
        encoding.writeVarUint(e, MessageType.Awareness)
        encoding.writeVarUint8Array(e, update)
      }),
    )
    const entries = decodeAwarenessEntries(update)
    expect(entries).toEqual([
      { clientId: doc.clientID, clock: 1, json: JSON.stringify(awareness.getLocalState()) },
    ])
    expect(encodeAwarenessEntries(entries ?? [])).toEqual(update)
    awareness.destroy()
  })

  it("a durable state vector in Yjs's own encoding (SPEC 2.5)", () => {
    const doc = docWithContent()
    const bytes = Y.encodeStateVector(doc)
    expect(decodeStateVector(bytes)).toEqual(Y.decodeStateVector(bytes))
    expect(encodeStateVector(Y.decodeStateVector(bytes))).toEqual(bytes)
  })
})

const bytes = fc.uint8Array({ maxLength: 64 })
const message: fc.Arbitrary<Message> = fc.oneof(
  bytes.map((stateVector) => ({ kind: 'sync-step1' as const, stateVector })),
  bytes.map((update) => ({ kind: 'sync-step2' as const, update })),
  bytes.map((update) => ({ kind: 'sync-update' as const, update })),
  bytes.map((update) => ({ kind: 'awareness' as const, update })),
  fc.constant({ kind: 'query-awareness' as const }),
  fc.record({ kind: fc.constant('auth' as const), sub: fc.nat(5), text: fc.string() }),
  bytes.map((stateVector) => ({ kind: 'durable' as const, stateVector })),
  fc.string().map((token) => ({ kind: 'refresh-token' as const, token })),
)

/** Payloads read back are views into the frame: compare their bytes. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return [...value]
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
}

describe('parsing (SPEC 1.1, 2.7)', () => {
  it('reads back every message it writes', () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(plain(parseMessage(encodeMessage(m)))).toEqual(plain(m))
      }),
    )
  })

  it('reads Hocuspocus framing: the document name first, its sync reply and status', () => {
    fc.assert(
      fc.property(message, fc.string(), (m, name) => {
        const framed = encodeMessage(m, { documentName: name })
        expect(plain(parseFrame(framed, { hocuspocus: true }))).toEqual(plain(m))
      }),
    )
    const reply = stock((e) => {
      encoding.writeVarString(e, 'C-0001')
      encoding.writeVarUint(e, 4)
      encoding.writeVarUint(e, 1)
      encoding.writeVarUint8Array(e, Uint8Array.from([0, 0]))
    })
    expect(parseFrame(reply, { hocuspocus: true })).toEqual({
      kind: 'sync-step2',
      update: Uint8Array.from([0, 0]),
    })
    const status = stock((e) => {
      encoding.writeVarString(e, 'C-0001')
      encoding.writeVarUint(e, 8)
      encoding.writeVarInt(e, 1)
    })
    expect(parseFrame(status, { hocuspocus: true })).toEqual({ kind: 'hocuspocus-status' })
    // Outside that dialect, those types are unknown.
    expect(parseMessage(Uint8Array.from([8, 1]))).toMatchObject({ kind: 'malformed' })
  })

  it('calls anything but exactly one known message malformed, and never throws', () => {
    expect(parseMessage(Uint8Array.from([MessageType.QueryAwareness, MessageType.QueryAwareness]))).toEqual({
      kind: 'malformed',
      detail: 'trailing bytes after the message',
    })
    expect(parseMessage(Uint8Array.from([99]))).toEqual({
      kind: 'malformed',
      detail: 'unknown message type 99',
    })
    expect(parseMessage(Uint8Array.from([MessageType.Sync, 7, 0]))).toEqual({
      kind: 'malformed',
      detail: 'unknown sync message 7',
    })
    expect(parseMessage(Uint8Array.from([MessageType.Sync, 0, 5, 1]))).toEqual({
      kind: 'malformed',
      detail: 'truncated or undecodable message',
    })
    expect(parseMessage(new Uint8Array())).toMatchObject({ kind: 'malformed' })
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        expect(typeof parseMessage(b).kind).toBe('string')
      }),
      { numRuns: 2000 },
    )
  })
})
