import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

/** A Yjs state vector, client id → clock, in Yjs's own encoding (a count, then id/clock pairs). */
export type StateVector = Map<number, number>

export function readStateVector(decoder: decoding.Decoder): StateVector {
  const sv: StateVector = new Map()
  const count = decoding.readVarUint(decoder)
  for (let i = 0; i < count; i++) {
    const client = decoding.readVarUint(decoder)
    sv.set(client, decoding.readVarUint(decoder))
  }
  return sv
}

export function decodeStateVector(bytes: Uint8Array): StateVector {
  return readStateVector(decoding.createDecoder(bytes))
}

export function encodeStateVector(sv: ReadonlyMap<number, number>): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, sv.size)
  for (const [client, clock] of sv) {
    encoding.writeVarUint(e, client)
    encoding.writeVarUint(e, clock)
  }
  return encoding.toUint8Array(e)
}

/**
 * The payload of a durable message (SPEC 2.5) from a decoder standing after its type, as the
 * y-websocket provider's message handlers get it.
 */
export function readDurable(decoder: decoding.Decoder): StateVector {
  return decodeStateVector(decoding.readVarUint8Array(decoder))
}
