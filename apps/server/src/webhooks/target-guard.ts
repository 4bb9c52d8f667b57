import { lookup as dnsLookup } from 'node:dns'
import { BlockList, isIP, type LookupFunction } from 'node:net'

/**
 * Where webhooks may go (DESIGN.md §12 "Downstream"): never to this host, the operator's own
 * network or the cloud's metadata service, unless the operator allows that host by name. Checked
 * when an endpoint is registered and again at every delivery, on the addresses the name resolves
 * to then; the connection goes to the address that was checked, so a name that resolves
 * differently the second time (DNS rebinding) cannot slip through.
 */

export type TargetRefusal =
  | 'not-a-url'
  | 'scheme'
  | 'https-required'
  | 'credentials'
  | 'private-address'
  | 'unresolvable'

export type TargetVerdict = { ok: true; url: URL } | { ok: false; reason: TargetRefusal; detail: string }

export interface TargetPolicy {
  /** Hosts (names or address literals, lowercase) allowed whatever they resolve to: `WEBHOOK_ALLOWED_HOSTS`. */
  allowedHosts: readonly string[]
  /** Every private, loopback and link-local target allowed (`WEBHOOK_ALLOW_PRIVATE`). */
  allowPrivate: boolean
  /** Only https, except to an allowed host (production). */
  requireHttps: boolean
}

const REFUSED = new BlockList()
for (const [net, bits] of [
  ['0.0.0.0', 8], // unspecified, "this network"
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // CGNAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, the cloud metadata service
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  REFUSED.addSubnet(net, bits, 'ipv4')
for (const [net, bits] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local (ULA)
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['64:ff9b::', 96], // NAT64 of IPv4 (the IPv4 inside could be any of the above)
] as const)
  REFUSED.addSubnet(net, bits, 'ipv6')

/** Whether an address is one webhooks never go to (IPv4-mapped IPv6 is judged as its IPv4). */
export function isRefusedAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 0) return true
  return REFUSED.check(address, family === 4 ? 'ipv4' : 'ipv6')
}

/** The URL's host as compared with the allow-list: lowercase, without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1')
}

function isAllowedHost(policy: TargetPolicy, url: URL): boolean {
  return policy.allowedHosts.includes(hostOf(url))
}

/**
 * The URL's form and, for an address literal, its address: what can be judged without DNS.
 * A name is resolved at registration (`checkTargetResolves`) and at each delivery (`guardedLookup`).
 */
export function checkTargetUrl(policy: TargetPolicy, raw: string): TargetVerdict {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return { ok: false, reason: 'not-a-url', detail: 'is not an absolute URL' }
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, reason: 'scheme', detail: 'must be an http or https URL' }
  if (url.username || url.password)
    return { ok: false, reason: 'credentials', detail: 'must not carry a user name or password' }
  const allowed = policy.allowPrivate || isAllowedHost(policy, url)
  if (policy.requireHttps && url.protocol !== 'https:' && !isAllowedHost(policy, url))
    return { ok: false, reason: 'https-required', detail: 'must be an https URL in production' }
  const host = hostOf(url)
  if (!allowed && isIP(host) !== 0 && isRefusedAddress(host))
    return {
      ok: false,
      reason: 'private-address',
      detail: `${host} is a loopback, private, link-local or reserved address`,
    }
  if (!allowed && (host === 'localhost' || host.endsWith('.localhost')))
    return { ok: false, reason: 'private-address', detail: `${host} is this host` }
  return { ok: true, url }
}

type Resolve = (host: string) => Promise<{ address: string; family: number }[]>

const resolveAll: Resolve = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) =>
      err ? reject(err) : resolve(addresses),
    ),
  )

/** The URL's form, then every address its name resolves to now (any refused one refuses it). */
export async function checkTargetResolves(
  policy: TargetPolicy,
  raw: string,
  resolve: Resolve = resolveAll,
): Promise<TargetVerdict> {
  const verdict = checkTargetUrl(policy, raw)
  if (!verdict.ok) return verdict
  const host = hostOf(verdict.url)
  if (policy.allowPrivate || isAllowedHost(policy, verdict.url) || isIP(host) !== 0) return verdict
  let addresses: { address: string }[]
  try {
    addresses = await resolve(host)
  } catch (err) {
    return {
      ok: false,
      reason: 'unresolvable',
      detail: `${host} does not resolve: ${(err as Error).message}`,
    }
  }
  const refused = addresses.find((a) => isRefusedAddress(a.address))
  if (refused)
    return {
      ok: false,
      reason: 'private-address',
      detail: `${host} resolves to ${refused.address}, a loopback, private, link-local or reserved address`,
    }
  return verdict
}

/** Thrown by `guardedLookup` (the connection fails with it): its message names the address. */
export class RefusedAddressError extends Error {
  override readonly name = 'RefusedAddressError'
  readonly code = 'EWEBHOOKTARGET'
}

/**
 * A `lookup` for node:http that resolves the name, refuses it if any address is refused, and
 * hands the socket the first checked address: the address connected to is the address checked.
 */
export function guardedLookup(policy: TargetPolicy, url: URL, resolve: Resolve = resolveAll): LookupFunction {
  const trusted = policy.allowPrivate || isAllowedHost(policy, url)
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const refused = trusted ? undefined : addresses.find((a) => isRefusedAddress(a.address))
        const first = addresses[0]
        if (refused || !first) {
          const why = refused
            ? `${hostname} resolves to ${refused.address}, which webhooks are not sent to`
            : `${hostname} has no address`
          callback(new RefusedAddressError(why), '', 4)
          return
        }
        if ((options as { all?: boolean }).all) callback(null, [first] as never)
        else callback(null, first.address, first.family)
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 4),
    )
  }
}
