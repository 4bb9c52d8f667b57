import fastifyHelmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'

/**
 * The Content-Security-Policy of every answer: the built pages load only their own scripts,
 * styles and (self-hosted) fonts, talk only to this origin — `connect-src 'self'` also matches
 * `ws:`/`wss:` on the same host in CSP Level 3 browsers — and may not be framed.
 */
export const CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  // Vite inlines small assets (a font subset) as data: URLs.
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  // The offline shell's service worker (sw.js) is served with each page.
  'worker-src': ["'self'"],
} as const satisfies Record<string, readonly string[]>

/** `CSP_DIRECTIVES` as a header value. */
export function cspHeader(directives: Readonly<Record<string, readonly string[]>> = CSP_DIRECTIVES): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ')
}

/**
 * Swagger UI at /docs injects a `<style>` element from its bundle, so /docs alone allows inline
 * styles (a hash would break with each swagger-ui release); its scripts stay `'self'` only.
 */
export const DOCS_CSP = cspHeader({ ...CSP_DIRECTIVES, 'style-src': ["'self'", "'unsafe-inline'"] })

/**
 * Browser hardening headers on every answer, pages and API alike (@fastify/helmet): the CSP above,
 * `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`, and
 * helmet's cross-origin isolation defaults.
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(fastifyHelmet, {
    // Helmet's defaults add upgrade-insecure-requests, which would send a page served over plain
    // HTTP (the demo on 127.0.0.1) to https:// for its own scripts and its WebSocket.
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // TLS ends at the proxy in front, which knows whether the site is HTTPS-only; HSTS from here
    // would also pin localhost to HTTPS in developers' browsers.
    strictTransportSecurity: false,
  })
}
