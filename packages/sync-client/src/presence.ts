import type { Awareness } from 'y-protocols/awareness'
import type { PresenceEntry } from './state'

/** Who the awareness shows as present, with the identity the server stamped on each state. */
export function presenceOf(awareness: Awareness, selfClientId: number): PresenceEntry[] {
  const out: PresenceEntry[] = []
  for (const [clientId, state] of awareness.getStates()) {
    const user = (state as { user?: PresenceEntry['user'] }).user
    if (!user) continue
    out.push({
      clientId,
      user,
      editing: Boolean((state as { editing?: unknown }).editing),
      self: clientId === selfClientId,
    })
  }
  return out
}

/**
 * On disconnect the provider removes everyone else's presence, recording their clocks one past
 * what they announced; forgetting those records lets the same states count again on reconnect.
 */
export function forgetRemovedPresence(awareness: Awareness, selfClientId: number): void {
  for (const clientId of [...awareness.meta.keys()]) {
    if (clientId !== selfClientId && !awareness.getStates().has(clientId)) awareness.meta.delete(clientId)
  }
}
