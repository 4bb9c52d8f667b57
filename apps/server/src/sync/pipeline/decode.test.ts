import * as protocol from '@consent-sync/protocol'
import { describe, expect, it } from 'vitest'
import { decode } from './decode'

const bytes = Uint8Array.from([1, 2, 3])

describe('decode: a client frame into what the session does with it', () => {
  it.each([
    ['a sync step 1', protocol.encodeSyncStep1(bytes), { kind: 'step1', stateVector: bytes }],
    [
      'a sync step 2, judged as an update (SPEC 2.1)',
      protocol.encodeSyncStep2(bytes),
      { kind: 'update', update: bytes },
    ],
    ['a sync update', protocol.encodeSyncUpdate(bytes), { kind: 'update', update: bytes }],
    ['presence', protocol.encodeAwareness(bytes), { kind: 'awareness', update: bytes }],
    ['a presence query', protocol.encodeQueryAwareness(), { kind: 'query-awareness' }],
    ['a token refresh', protocol.encodeRefreshToken('t.o.k'), { kind: 'refresh-token', token: 't.o.k' }],
    [
      'y-protocols auth, ignored (SPEC 2.3)',
      protocol.encodeMessage({ kind: 'auth', sub: 0, text: 'x' }),
      { kind: 'ignored' },
    ],
    [
      "the server's own durable ack, malformed from a client (SPEC 2.7)",
      protocol.encodeDurable(bytes),
      { kind: 'malformed', detail: 'unknown message type 100' },
    ],
    ['an unknown type', Uint8Array.from([77]), { kind: 'malformed', detail: 'unknown message type 77' }],
  ] as const)('%s', (_name, frame, expected) => {
    expect(decode(frame)).toEqual(expected)
  })
})
