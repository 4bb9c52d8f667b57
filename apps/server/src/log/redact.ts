/**
 * Keeps tokens out of the log (DESIGN.md §6: tokens travel in URLs, as browsers cannot set
 * headers on a WebSocket). A query parameter is judged by its name as Fastify's query parser
 * reads it, not by its spelling in the URL: `?%74oken=` and `?Tok%65n=` are `token` too.
 */

export const REDACTED = '[redacted]'

/** The query parameter that carries a token (`tokenOf` in auth/tokens.ts), compared case-insensitively. */
const TOKEN_PARAM = 'token'

/** Three base64url segments, the first a JSON object (`{"` encodes as `eyJ`): a JWT, whatever its name. */
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]*/g
const ONE_JWT = new RegExp(JWT.source)

/**
 * The name Fastify's parser (fast-querystring) gives a key: `+` is a space, then the whole key is
 * percent-decoded, or kept raw when an escape is malformed.
 */
function parsedKey(raw: string): string {
  const spaced = raw.replaceAll('+', ' ')
  if (!spaced.includes('%')) return spaced
  try {
    return decodeURIComponent(spaced) || spaced
  } catch {
    return spaced
  }
}

/** Decodes every well-formed run of escapes and keeps the rest: reads past a malformed `%` the parser would refuse. */
function leniently(raw: string): string {
  return raw.replaceAll('+', ' ').replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run)
    } catch {
      return run
    }
  })
}

function isTokenKey(raw: string): boolean {
  // Lenient decoding too: redacting a key the parser would not call `token` costs nothing.
  return [parsedKey(raw), leniently(raw)].some((k) => k.trim().toLowerCase() === TOKEN_PARAM)
}

function holdsJwt(raw: string): boolean {
  return ONE_JWT.test(raw) || ONE_JWT.test(leniently(raw))
}

/** Replaces anything shaped like a JWT in `text`. */
export function redactJwts(text: string): string {
  return text.replace(JWT, REDACTED)
}

function redactPair(pair: string): string {
  const eq = pair.indexOf('=')
  const key = eq === -1 ? pair : pair.slice(0, eq)
  if (eq !== -1 && isTokenKey(key)) return `${key}=${REDACTED}`
  const safeKey = holdsJwt(key) ? REDACTED : key
  if (eq === -1) return safeKey
  const value = pair.slice(eq + 1)
  return `${safeKey}=${holdsJwt(value) ? REDACTED : value}`
}

/**
 * A URL fit for the log: the value of every `token` parameter (however its name is encoded,
 * repeated or not) and anything shaped like a JWT, in the path or any parameter, is `[redacted]`.
 * The query starts at the first `?` or `#`, and pairs are split on `&`, as the router does.
 */
export function redactUrl(url: string): string {
  const start = url.search(/[?#]/)
  const pathPart = start === -1 ? url : url.slice(0, start)
  const path = pathPart
    .split('/')
    .map((segment) => (holdsJwt(segment) ? REDACTED : segment))
    .join('/')
  if (start === -1) return redactJwts(path)
  const query = url
    .slice(start + 1)
    .split('&')
    .map(redactPair)
    .join('&')
  return redactJwts(`${path}${url[start]}${query}`)
}

/** A `name=value` pair after a query delimiter, in free text (a message, a stack, a JSON log line). */
const PAIR_IN_TEXT = /([?&#;])([^=&#?;\s"'\\<>]+)=([^&#\s"'\\<>]*)/g

/**
 * Free text fit for the log: the values of `token` parameters in any URL it quotes, and anything
 * shaped like a JWT. The last line of defence, applied to every log line as it is written.
 */
export function redactLogText(text: string): string {
  const pairs = text.replace(PAIR_IN_TEXT, (whole, delimiter: string, key: string, value: string) =>
    isTokenKey(key) || holdsJwt(value) ? `${delimiter}${key}=${REDACTED}` : whole,
  )
  return redactJwts(pairs)
}

/** A pino destination that passes every line through {@link redactLogText} before `destination` sees it. */
export function redactingStream(destination: { write(line: string): unknown }): {
  write(line: string): void
} {
  return {
    write(line: string) {
      destination.write(redactLogText(line))
    },
  }
}
