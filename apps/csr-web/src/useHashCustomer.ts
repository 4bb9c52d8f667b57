import { useCallback, useSyncExternalStore } from 'react'

const PREFIX = '#/customer/'
const ADMIN = '#/admin'

function customerOfHash(): string | null {
  const hash = location.hash
  if (!hash.startsWith(PREFIX)) return null
  const id = decodeURIComponent(hash.slice(PREFIX.length))
  return id === '' ? null : id
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange)
  return () => window.removeEventListener('hashchange', onChange)
}

/** The open customer, remembered in the URL hash (`#/customer/C-0001`) so reloads and links keep it. */
export function useHashCustomer(): [string | null, (customerId: string | null) => void] {
  const customerId = useSyncExternalStore(subscribe, customerOfHash, () => null)
  const open = useCallback((id: string | null) => {
    location.hash = id === null ? '' : `${PREFIX}${encodeURIComponent(id)}`
  }, [])
  return [customerId, open]
}

/** The administrators' catalog screen, open while the URL hash is `#/admin`. */
export function useHashAdmin(): [boolean, (open: boolean) => void] {
  const open = useSyncExternalStore(
    subscribe,
    () => location.hash === ADMIN,
    () => false,
  )
  const setOpen = useCallback((next: boolean) => {
    location.hash = next ? ADMIN : ''
  }, [])
  return [open, setOpen]
}
