import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose'

export type ProviderAlg = 'RS256' | 'ES256' | 'EdDSA'

interface ProviderKey {
  kid: string
  alg: ProviderAlg
  privateKey: CryptoKey
  publicJwk: JWK
}

/**
 * A real OpenID provider's key endpoints on a loopback port, for tests and the end-to-end run:
 * `GET /jwks` (the JSON Web Key Set) and `GET /.well-known/openid-configuration`. Keys are
 * generated here, added and removed while it runs (rotation), and tokens signed with any of them
 * (or with a key it never published). `down()` makes every request fail, as a provider outage.
 */
export async function startIdentityProvider() {
  const keys: ProviderKey[] = []
  /** Keys no longer (or never) published, still able to sign. */
  const unpublished = new Map<string, ProviderKey>()
  let jwksFetches = 0
  let failing = false
  const server: Server = createServer((req, res) => {
    if (failing) {
      res.writeHead(503).end()
      return
    }
    if (req.url === '/jwks') {
      jwksFetches++
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ keys: keys.map((k) => k.publicJwk) }))
      return
    }
    if (req.url === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          issuer,
          jwks_uri: `${issuer}/jwks`,
          id_token_signing_alg_values_supported: ['RS256', 'ES256', 'EdDSA'],
        }),
      )
      return
    }
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const makeKey = async (alg: ProviderAlg): Promise<ProviderKey> => {
    const pair = await generateKeyPair(alg, {
      extractable: true,
      ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
    })
    const kid = randomUUID()
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' }
    return { kid, alg, privateKey: pair.privateKey, publicJwk }
  }

  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    /** How many times the key set was fetched. */
    get jwksFetches() {
      return jwksFetches
    },
    /** Generates and publishes a key; returns its kid. */
    async addKey(alg: ProviderAlg = 'RS256'): Promise<string> {
      const key = await makeKey(alg)
      keys.push(key)
      return key.kid
    },
    /** A key generated but never published (a token signed with it is a forgery). */
    async unpublishedKey(alg: ProviderAlg = 'RS256'): Promise<string> {
      const key = await makeKey(alg)
      unpublished.set(key.kid, key)
      return key.kid
    },
    /** Stops publishing a key (rotated out). */
    removeKey(kid: string): void {
      const at = keys.findIndex((k) => k.kid === kid)
      const [removed] = at >= 0 ? keys.splice(at, 1) : []
      if (removed) unpublished.set(kid, removed)
    },
    /** The published public key of `kid`, as a JWK. */
    publicJwk(kid: string): JWK {
      const key = keys.find((k) => k.kid === kid) ?? unpublished.get(kid)
      if (!key) throw new Error(`no key ${kid}`)
      return key.publicJwk
    },
    /**
     * A token signed with key `kid` (default: the newest published key): `iss` this provider,
     * the given audience, an hour's lifetime unless the claims say otherwise.
     */
    async sign(
      claims: JWTPayload,
      options: { kid?: string; audience?: string; issuer?: string; expiresIn?: number } = {},
    ): Promise<string> {
      const key = options.kid
        ? (keys.find((k) => k.kid === options.kid) ?? unpublished.get(options.kid))
        : keys[keys.length - 1]
      if (!key) throw new Error('the provider has no key to sign with')
      const now = Math.floor(Date.now() / 1000)
      return new SignJWT({ iat: now, exp: now + (options.expiresIn ?? 3600), ...claims })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
        .setIssuer(options.issuer ?? issuer)
        .setAudience(options.audience ?? 'consent-sync')
        .sign(key.privateKey)
    },
    /** Every request answers 503 until `up()`. */
    down() {
      failing = true
    },
    up() {
      failing = false
    },
    /** The environment that points a consent-sync server at this provider. */
    env(extra: Record<string, string> = {}): Record<string, string> {
      return {
        OIDC_ISSUER: issuer,
        OIDC_AUDIENCE: 'consent-sync',
        OIDC_JWKS_URL: `${issuer}/jwks`,
        OIDC_ROLE_CLAIM: 'groups',
        OIDC_ROLE_MAP: 'telco-customers=customer,agents=csr,dpo=auditor,it-admins=admin',
        OIDC_JWKS_COOLDOWN_SECONDS: '0',
        ...extra,
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export type IdentityProvider = Awaited<ReturnType<typeof startIdentityProvider>>
