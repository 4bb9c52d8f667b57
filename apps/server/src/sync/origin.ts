/**
 * Whether a browser on `origin` may open the sync endpoint (DESIGN.md §5: browser upgrades are
 * checked against an allow-list, same origin by default). A WebSocket is not bound by the
 * same-origin policy, so without this any page a signed-in user visits could open their record.
 *
 * - no Origin header: not a browser (the stock client in Node, a CLI), allowed;
 * - the origin's host and port are the request's `Host`: the server's own pages, allowed;
 * - otherwise only an origin of `allowed` (`ALLOWED_ORIGINS`), or any with `'*'`.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[] | '*',
): boolean {
  if (origin === undefined) return true
  if (allowed === '*') return true
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    // `null` (a sandboxed frame, a file:// page) and anything unparsable.
    return false
  }
  if (allowed.includes(url.origin)) return true
  if (host === undefined) return false
  // The scheme is not compared: behind a TLS proxy the page is https:// and the request plain.
  // The Host header is read with the origin's scheme, so a default port written out still matches.
  try {
    return new URL(`${url.protocol}//${host}`).host === url.host
  } catch {
    return false
  }
}
