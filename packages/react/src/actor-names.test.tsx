import type { PresenceEntry } from '@consent-sync/sync-client'
import { render } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { useActorNames } from './actor-names'

const AGENT: PresenceEntry = {
  clientId: 7,
  user: { id: 'csr1', role: 'csr', name: 'Dilani' },
  editing: false,
  self: false,
}

function Names({ presence }: { presence: PresenceEntry[] }) {
  const names = useActorNames(presence, { id: 'C-0001', name: 'Nimal Perera' })
  return <output>{JSON.stringify(names)}</output>
}

afterEach(() => localStorage.clear())

describe('useActorNames', () => {
  it('learns names from presence and the signed-in user, and remembers them after they leave', () => {
    const first = render(<Names presence={[AGENT]} />)
    expect(JSON.parse(first.container.textContent ?? '')).toEqual({
      csr1: 'Dilani',
      'C-0001': 'Nimal Perera',
    })
    first.unmount()
    const later = render(<Names presence={[]} />)
    expect(JSON.parse(later.container.textContent ?? '')).toEqual({
      csr1: 'Dilani',
      'C-0001': 'Nimal Perera',
    })
    later.unmount()
  })
})
