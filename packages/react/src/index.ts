// React bindings: everything here talks to a handle, the network or storage; components live in @consent-sync/ui.
export { useActorNames } from './actor-names'
export { type AgreedNoticeView, useAgreedNotices, versionsToRenew } from './agreed-notices'
export { type ArrivalWatch, type OnArrival, useArrivals, watchArrivals } from './arrivals'
export { type CatalogView, useCatalog } from './catalog'
export {
  type ConsentHandleOptions,
  useBrowserOnline,
  useConsentHandle,
  useConsentState,
} from './consent-handle'
export { downloadMyData, type EvidenceFormat, openReceipt } from './evidence'
export { nextExpiry, useExpiryClock } from './expiry-clock'
export { type FragmentSignIn, useFragmentSignIn } from './fragment-sign-in'
export {
  apiBase,
  clearSession,
  loadSession,
  login,
  refreshSession,
  type Session,
  saveSession,
  sessionForToken,
  syncUrl,
  takeFragmentToken,
} from './session'
