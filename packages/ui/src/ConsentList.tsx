import {
  type DecisionState,
  type Language,
  type PurposeCatalog,
  type PurposeState,
  readOut,
} from '@consent-sync/consent-core'
import { type FocusEvent, useEffect, useState } from 'react'
import { ConsentRow } from './ConsentRow'
import type { ActorNames } from './describe'
import type { AgreedNotice } from './NoticeChange'

/** What rows of consents show, on whoever's page. */
export interface ConsentRowsProps {
  /** The folded state of each purpose (the catalog's order). */
  purposes: readonly PurposeState[]
  catalog: PurposeCatalog
  lang: Language
  selfId: string
  names?: ActorNames
  /** Purposes with a change the server has not confirmed yet ("Waiting to sync"). */
  waiting?: readonly string[]
  /**
   * The instant (ms) grants are judged at: each row shows its read-out (consent-core `readOut`,
   * with the decision's device time, as a replica has no receive time). Default: now.
   */
  now?: number
  /** By purpose id: the texts of the version its grant was made under, when that grant needs renewing. */
  agreed?: Readonly<Record<string, AgreedNotice>>
}

export interface ConsentListProps extends ConsentRowsProps {
  viewer: 'customer' | 'csr'
  disabled?: boolean
  onToggle(purposeId: string, next: DecisionState): void
  /** Told when the pointer or the focus enters the list and when both have left it (presence's "editing"). */
  onEditingChange?(editing: boolean): void
}

/**
 * One row per purpose the catalog knows (a purpose the catalog no longer lists is not shown; a
 * retired one is, for withdrawal), each with what its state means today.
 */
export function ConsentList({
  purposes,
  catalog,
  lang,
  viewer,
  selfId,
  names = {},
  waiting = [],
  now,
  agreed = {},
  disabled = false,
  onToggle,
  onEditingChange,
}: ConsentListProps) {
  const [pointerIn, setPointerIn] = useState(false)
  const [focusIn, setFocusIn] = useState(false)
  const editing = pointerIn || focusIn
  useEffect(() => {
    onEditingChange?.(editing)
  }, [onEditingChange, editing])

  const onBlur = (e: FocusEvent<HTMLUListElement>) => {
    if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocusIn(false)
  }
  const tracking = onEditingChange
    ? {
        onPointerEnter: () => setPointerIn(true),
        onPointerLeave: () => setPointerIn(false),
        onFocus: () => setFocusIn(true),
        onBlur,
      }
    : {}

  const row = { lang, viewer, selfId, names, disabled }
  const at = now ?? Date.now()
  return (
    <ul className="cs-rows" {...tracking}>
      {purposes.map((state) => {
        const purpose = catalog.purposes.find((p) => p.id === state.purposeId)
        if (!purpose) return null
        return (
          <li key={purpose.id}>
            <ConsentRow
              {...row}
              purpose={purpose}
              state={state}
              readOut={readOut(state, purpose, { now: at })}
              agreed={agreed[purpose.id]}
              pending={waiting.includes(purpose.id)}
              onToggle={(next) => onToggle(purpose.id, next)}
            />
          </li>
        )
      })}
    </ul>
  )
}
