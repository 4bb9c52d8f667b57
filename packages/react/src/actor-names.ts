import type { PresenceEntry } from '@consent-sync/sync-client'
import { useEffect, useState } from 'react'

const KEY = 'consent-sync:names'

function loadNames(): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}')
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : {}
  } catch {
    return {}
  }
}

/**
 * Display names by user id, learned from presence and remembered on this device: decisions carry
 * only ids, and the history should still say "Agent Dilani Wickramasinghe (csr1)" after they leave.
 */
export function useActorNames(
  presence: readonly PresenceEntry[],
  self?: { id: string; name: string },
): Readonly<Record<string, string>> {
  const [names, setNames] = useState<Record<string, string>>(loadNames)
  const selfId = self?.id
  const selfName = self?.name
  useEffect(() => {
    setNames((prev) => {
      const next = { ...prev }
      let changed = false
      const learn = (id: string, name: string) => {
        if (name && next[id] !== name) {
          next[id] = name
          changed = true
        }
      }
      for (const p of presence) learn(p.user.id, p.user.name)
      if (selfId && selfName) learn(selfId, selfName)
      if (!changed) return prev
      try {
        localStorage.setItem(KEY, JSON.stringify(next))
      } catch {
        // Storage full or blocked: names are a nicety.
      }
      return next
    })
  }, [presence, selfId, selfName])
  return names
}
