import type { DecisionState, Language, PurposeCatalog, PurposeState } from '@consent-sync/consent-core'
import { type FocusEvent, useEffect, useState } from 'react'
import { ConsentRow } from './ConsentRow'
import type { ActorNames } from './describe'

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
}

export interface ConsentListProps extends ConsentRowsProps {
  viewer: 'customer' | 'csr'
  disabled?: boolean
  onToggle(purposeId: string, next: DecisionState): void
  /** Told when the pointer or the focus enters the list and when both have left it (presence's "editing"). */
  onEditingChange?(editing: boolean): void
}

/** One row per purpose the catalog knows; a retired purpose's state is not shown. */
export function ConsentList({
  purposes,
  catalog,
  lang,
  viewer,
  selfId,
  names = {},
  waiting = [],
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
              pending={waiting.includes(purpose.id)}
              onToggle={(next) => onToggle(purpose.id, next)}
            />
          </li>
        )
      })}
    </ul>
  )
}
