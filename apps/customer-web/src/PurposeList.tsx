import type { Language, PurposeCatalog } from '@consent-sync/consent-core'
import { useConsentState } from '@consent-sync/react'
import type { ConsentHandle } from '@consent-sync/sync-client'
import { type ActorNames, ConsentRow, useToast } from '@consent-sync/ui'
import { type FocusEvent, useEffect, useState } from 'react'

export interface PurposeListProps {
  handle: ConsentHandle
  catalog: PurposeCatalog
  lang: Language
  selfId: string
  names: ActorNames
}

/** One row per catalog purpose; presence says "editing" while the pointer or focus is on the list. */
export function PurposeList({ handle, catalog, lang, selfId, names }: PurposeListProps) {
  const toast = useToast()
  const purposes = useConsentState(handle, (s) => s.purposes)
  const pending = useConsentState(handle, (s) => s.pending)
  // Purposes changed on this device since the server last confirmed everything.
  const [waiting, setWaiting] = useState<ReadonlySet<string>>(new Set())
  const [pointerIn, setPointerIn] = useState(false)
  const [focusIn, setFocusIn] = useState(false)

  useEffect(() => {
    if (pending === 0) setWaiting(new Set())
  }, [pending])

  const editing = pointerIn || focusIn
  useEffect(() => {
    handle.setEditing(editing)
  }, [handle, editing])
  useEffect(() => () => handle.setEditing(false), [handle])

  const onBlur = (e: FocusEvent<HTMLUListElement>) => {
    if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocusIn(false)
  }

  return (
    <ul
      className="cs-rows"
      onPointerEnter={() => setPointerIn(true)}
      onPointerLeave={() => setPointerIn(false)}
      onFocus={() => setFocusIn(true)}
      onBlur={onBlur}
    >
      {catalog.purposes.map((purpose) => {
        const state = purposes.find((p) => p.purposeId === purpose.id)
        if (!state) return null
        // After a reload the set is empty: then this device's own latest decisions are the ones waiting.
        const isWaiting =
          pending > 0 &&
          (waiting.has(purpose.id) || (waiting.size === 0 && state.decision?.actor.id === selfId))
        return (
          <li key={purpose.id}>
            <ConsentRow
              purpose={purpose}
              state={state}
              lang={lang}
              viewer="customer"
              selfId={selfId}
              names={names}
              pending={isWaiting}
              onToggle={(next) => {
                try {
                  handle.decide({ purposeId: purpose.id, state: next, channel: 'web' })
                  setWaiting((prev) => new Set(prev).add(purpose.id))
                } catch (err) {
                  // The sync client's errors are in English.
                  toast(err instanceof Error ? err.message : String(err), 'error', { lang: 'en' })
                }
              }}
            />
          </li>
        )
      })}
    </ul>
  )
}
