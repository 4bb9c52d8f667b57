import type { Language, PurposeCatalog } from '@consent-sync/consent-core'
import { useAgreedNotices, useConsentState, useExpiryClock } from '@consent-sync/react'
import type { ConsentHandle } from '@consent-sync/sync-client'
import { type ActorNames, ConsentList, useToast } from '@consent-sync/ui'
import { useCallback, useEffect, useState } from 'react'

export interface PurposeListProps {
  handle: ConsentHandle
  catalog: PurposeCatalog
  lang: Language
  selfId: string
  names: ActorNames
}

/**
 * One row per catalog purpose, each with what its grant means today: a changed notice beside the
 * text agreed to, an expired grant, a retired purpose. Presence says "editing" while the pointer or
 * focus is on the list.
 */
export function PurposeList({ handle, ...shown }: PurposeListProps) {
  const { selfId, catalog } = shown
  const toast = useToast()
  const purposes = useConsentState(handle, (s) => s.purposes)
  const pending = useConsentState(handle, (s) => s.pending)
  const agreed = useAgreedNotices(purposes, catalog)
  // A replica has no receive time: read-outs use the decision's device time (consent-core SPEC 3.9).
  const now = useExpiryClock(purposes, catalog)
  // Purposes changed on this device since the server last confirmed everything.
  const [changed, setChanged] = useState<ReadonlySet<string>>(new Set())

  useEffect(() => {
    if (pending === 0) setChanged(new Set())
  }, [pending])

  const onEditingChange = useCallback((editing: boolean) => handle.setEditing(editing), [handle])
  useEffect(() => () => handle.setEditing(false), [handle])

  // After a reload the set is empty: then this device's own latest decisions are the ones waiting.
  const waiting =
    pending === 0
      ? []
      : purposes
          .filter((s) => changed.has(s.purposeId) || (changed.size === 0 && s.decision?.actor.id === selfId))
          .map((s) => s.purposeId)

  return (
    <ConsentList
      {...shown}
      purposes={purposes}
      viewer="customer"
      waiting={waiting}
      now={now}
      agreed={agreed}
      onEditingChange={onEditingChange}
      onToggle={(purposeId, next) => {
        try {
          handle.decide({ purposeId, state: next, channel: 'web' })
          setChanged((prev) => new Set(prev).add(purposeId))
        } catch (err) {
          // The sync client's errors are in English.
          toast(err instanceof Error ? err.message : String(err), 'error', { lang: 'en' })
        }
      }}
    />
  )
}
