import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

export interface PresenceIdentity {
  id: string
  role: string
  name: string
}

/**
 * Rewrites an incoming awareness update so each state's `user` is the signed-in user from the
 * token (presence is shown to others as "who has this record open", so it must not be forgeable),
 * drops entries for client ids another connection owns, and sets each clock as `clockFor` says.
 * Returns the client ids kept, or
 * null when the bytes are not an awareness update.
 */
export function stampAwareness(
  update: Uint8Array,
  identity: PresenceIdentity,
  ownedElsewhere: (clientId: number) => boolean,
  clockFor: (clientId: number, clock: number) => number = (_id, clock) => clock,
): { update: Uint8Array; clients: number[] } | null {
  try {
    const decoder = decoding.createDecoder(update)
    const encoder = encoding.createEncoder()
    const count = decoding.readVarUint(decoder)
    const kept: { clientId: number; clock: number; state: string }[] = []
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      const json = decoding.readVarString(decoder)
      if (ownedElsewhere(clientId)) continue
      const state: unknown = JSON.parse(json)
      if (state !== null && (typeof state !== 'object' || Array.isArray(state))) return null
      const stamped = state === null ? null : { ...(state as Record<string, unknown>), user: identity }
      kept.push({ clientId, clock: clockFor(clientId, clock), state: JSON.stringify(stamped) })
    }
    if (decoding.hasContent(decoder)) return null
    encoding.writeVarUint(encoder, kept.length)
    for (const k of kept) {
      encoding.writeVarUint(encoder, k.clientId)
      encoding.writeVarUint(encoder, k.clock)
      encoding.writeVarString(encoder, k.state)
    }
    return { update: encoding.toUint8Array(encoder), clients: kept.map((k) => k.clientId) }
  } catch {
    return null
  }
}
