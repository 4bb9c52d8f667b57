/**
 * Registers the page's `sw.js` (from `offlineShell()`) for the page's base path, so a reload with
 * no network still opens the app. Does nothing where service workers are missing (or not allowed).
 */
export function registerOfflineShell(): void {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return
  const scope = new URL('./', location.href).pathname
  navigator.serviceWorker.register(`${scope}sw.js`, { scope }).catch(() => {
    // No offline shell (e.g. plain http on a non-local host): the page still works online.
  })
}
