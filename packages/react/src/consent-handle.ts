import type { PurposeCatalog } from '@consent-sync/consent-core'
import { type ConsentHandle, type ConsentState, openConsentDoc } from '@consent-sync/sync-client'
import { useEffect, useState } from 'react'
import { useStore } from 'zustand'
import { refreshSession, type Session, syncUrl } from './session'

/** A slice of a handle's state; re-renders only when the slice changes (wrap derived arrays in `useShallow`). */
export function useConsentState<T>(handle: ConsentHandle, selector: (s: ConsentState) => T): T {
  return useStore(handle.store, selector)
}

export interface ConsentHandleOptions {
  customerId: string
  session: Session
  catalog: PurposeCatalog
}

/**
 * Opens the customer's consent document for the signed-in user while mounted, and destroys it on
 * unmount or when the customer or user changes. A token refresh does not reopen it, nor does a new
 * catalog (a publish while the page is open): the handle folds again under it.
 */
export function useConsentHandle(opts: ConsentHandleOptions | null): ConsentHandle | null {
  const [handle, setHandle] = useState<ConsentHandle | null>(null)
  const customerId = opts?.customerId
  const userId = opts?.session.user.id
  const catalog = opts?.catalog

  // biome-ignore lint/correctness/useExhaustiveDependencies: reopen only for another customer or user
  useEffect(() => {
    if (!opts) return
    // A copy, so refreshes (which update it) do not touch the caller's object or reopen the document.
    const session: Session = { ...opts.session, user: { ...opts.session.user } }
    // Staff write as agents (an administrator's writes are refused by the server: read-only).
    const role = session.user.role === 'customer' ? 'customer' : 'csr'
    const opened = openConsentDoc(opts.customerId, {
      url: syncUrl(),
      token: session.token,
      getToken: () => refreshSession(session),
      actor: { id: session.user.id, role },
      name: session.user.name,
      catalog: opts.catalog,
    })
    setHandle(opened)
    return () => {
      setHandle(null)
      void opened.destroy()
    }
  }, [customerId, userId])

  useEffect(() => {
    if (handle && catalog) handle.setCatalog(catalog)
  }, [handle, catalog])

  return handle
}

/**
 * Follows the browser's own offline flag: while `navigator.onLine` is false the handle stops
 * trying (status "offline" at once, instead of a socket stuck connecting), and resumes when it is back.
 */
export function useBrowserOnline(handle: ConsentHandle | null): void {
  useEffect(() => {
    if (!handle || typeof navigator === 'undefined' || typeof window === 'undefined') return
    let tookOffline = false
    const offline = () => {
      tookOffline = true
      handle.goOffline()
    }
    const online = () => {
      if (!tookOffline) return
      tookOffline = false
      handle.goOnline()
    }
    if (navigator.onLine === false) offline()
    window.addEventListener('offline', offline)
    window.addEventListener('online', online)
    return () => {
      window.removeEventListener('offline', offline)
      window.removeEventListener('online', online)
    }
  }, [handle])
}
