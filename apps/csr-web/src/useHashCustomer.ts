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

/** The admin area's pages: the purpose catalog, the accounts, the webhooks, the administrators' log alone, analytics. */
export type AdminPage = 'catalog' | 'accounts' | 'webhooks' | 'log' | 'analytics'

const ADMIN_PAGES: Readonly<Record<string, AdminPage>> = {
  [ADMIN]: 'catalog',
  [`${ADMIN}/accounts`]: 'accounts',
  [`${ADMIN}/webhooks`]: 'webhooks',
  [`${ADMIN}/log`]: 'log',
  [`${ADMIN}/analytics`]: 'analytics',
}

/** The admin page a URL hash names, or null (the customers' screen). */
export function adminPageOf(hash: string): AdminPage | null {
  return ADMIN_PAGES[hash] ?? null
}

const adminPageOfHash = () => adminPageOf(location.hash)

/**
 * The admin area's open page (`#/admin`, `#/admin/accounts`, `#/admin/webhooks`, `#/admin/log`,
 * `#/admin/analytics`), or null for the
 * customers' screen. A page handed a sign-in token (`#access_token=…`) has lost it before this reads.
 */
export function useHashAdmin(): [AdminPage | null, (page: AdminPage | null) => void] {
  const page = useSyncExternalStore(subscribe, adminPageOfHash, () => null)
  const open = useCallback((next: AdminPage | null) => {
    location.hash = next === null ? '' : next === 'catalog' ? ADMIN : `${ADMIN}/${next}`
  }, [])
  return [page, open]
}
