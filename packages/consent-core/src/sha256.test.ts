import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sha256Hex as nodeHex } from './sha256-node'
import { sha256Hex as webHex } from './sha256-web'

describe('SHA-256 (SPEC 5.1)', () => {
  it('is the same digest in Node and in a browser, for bytes and for text', () => {
    expect(nodeHex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string({ unit: 'grapheme' })), (data) => {
        expect(nodeHex(data)).toBe(webHex(data))
      }),
      { numRuns: 500 },
    )
  })
})
