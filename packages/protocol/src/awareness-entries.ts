import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

/** One entry of a y-protocols awareness update: a client id, its clock and its state as JSON (SPEC 2.2). */
export interface AwarenessEntry {
  clientId: number
  clock: number
  /** The state as JSON text; `null` means the client left. */
  json: string
}

/** The entries of an awareness update, or null when the bytes are not exactly one. */
export function decodeAwarenessEntries(update: Uint8Array): AwarenessEntry[] | null {
  try {
    const decoder = decoding.createDecoder(update)
    const count = decoding.readVarUint(decoder)
    const entries: AwarenessEntry[] = []
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      entries.push({ clientId, clock, json: decoding.readVarString(decoder) })
    }
    return decoding.hasContent(decoder) ? null : entries
  } catch {
    return null
  }
}

export function encodeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const e of entries) {
    encoding.writeVarUint(encoder, e.clientId)
    encoding.writeVarUint(encoder, e.clock)
    encoding.writeVarString(encoder, e.json)
  }
  return encoding.toUint8Array(encoder)
}
