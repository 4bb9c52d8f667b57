import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import type { JSONWebKeySet } from 'jose'
import { verifyBundle } from '../receipts/export-bundle'
import type { ConsentReceipt } from '../receipts/receipt'
import { verifyReceipt } from '../receipts/signing'
import {
  createKeyRegistry,
  demoKeyFile,
  demoSigningKey,
  signingKeyFrom,
  verifyingKeyFrom,
} from '../receipts/signing-keys'
import type { CliHelpers } from './helpers'

/** What the receipt commands use of the CLI's helpers: output, failing with a message, the configuration. */
export type ReceiptCommandDeps = Pick<CliHelpers, 'out' | 'fail' | 'configOrExit'>

/** The keys to check against: a JWKS file or URL, or else the operator's own as configured. */
async function keysFrom(source: string | undefined, deps: ReceiptCommandDeps): Promise<JSONWebKeySet> {
  if (source && /^https?:\/\//.test(source)) {
    const res = await fetch(source).catch((err: Error) => deps.fail(`cannot fetch ${source}: ${err.message}`))
    if (!res.ok) deps.fail(`cannot fetch ${source}: HTTP ${res.status}`)
    return (await res.json()) as JSONWebKeySet
  }
  if (source) {
    const text = await readFile(source, 'utf8').catch((err: Error) =>
      deps.fail(`cannot read ${source}: ${err.message}`),
    )
    const parsed = JSON.parse(text) as JSONWebKeySet
    if (!Array.isArray(parsed.keys)) deps.fail(`${source} is not a JWKS (no "keys" array)`)
    return parsed
  }
  // Offline, on the operator's host: the configured keys, or the demo key next to the database.
  const config = deps.configOrExit()
  if (!config.receipts.signingKey && !existsSync(demoKeyFile(config.databasePath))) {
    // Never make up a key to check against: that would only ever say "unknown key".
    deps.fail('no receipt keys here: pass --keys (a JWKS file, or the URL of GET /api/keys)')
  }
  const registry = createKeyRegistry()
  const current = config.receipts.signingKey
    ? await signingKeyFrom(config.receipts.signingKey)
    : await demoSigningKey(config.databasePath)
  registry.add('receipt', current.publicJwk)
  for (const previous of config.receipts.previousKeys)
    registry.add('receipt', await verifyingKeyFrom(previous))
  return registry.jwks()
}

/** A receipt file as the server hands it out: the bare JWS, `{receipt, jws}` (?format=json), or an export bundle. */
type Held = { kind: 'receipt'; jws: string } | { kind: 'bundle'; bundle: Record<string, unknown> }

function heldIn(text: string): Held | undefined {
  const t = text.trim()
  if (!t.startsWith('{')) return { kind: 'receipt', jws: t }
  try {
    const parsed = JSON.parse(t) as Record<string, unknown>
    if (typeof parsed.jws === 'string') return { kind: 'receipt', jws: parsed.jws }
    if (parsed.format === 'consent-sync-export/1') return { kind: 'bundle', bundle: parsed }
  } catch {}
  return undefined
}

function attests(r: ConsentReceipt, kid: string, out: (line?: string) => void): void {
  out(`valid consent receipt ${r.consentReceiptID}, signed by key ${kid}`)
  out(`  customer:       ${r.piiPrincipalId}`)
  out(`  controller:     ${r.piiControllers.map((c) => `${c.piiController} <${c.email}>`).join(', ')}`)
  out(`  purpose:        ${r.notice.title} (${r.notice.purposeId})`)
  out(`  consent:        ${r.event.type} at ${r.event.time} (state after: ${r.event.state})`)
  out(
    `  notice:         version ${r.notice.version}, ${r.notice.language}, sha-256 ${r.notice.textHash ?? 'not recorded'}`,
  )
  out(`  channel:        ${r.event.channel} (${r.collectionMethod})`)
  out(`  recorded by:    ${r.event.recordedBy.id} (${r.event.recordedBy.role})`)
  if (r.event.evidence) out(`  evidence:       ${r.event.evidence}`)
  out(`  jurisdiction:   ${r.jurisdiction}`)
  out(`  audit chain:    entry ${r.audit.seq} of ${r.piiPrincipalId}, hash ${r.audit.hash}`)
}

export function registerReceiptCommands(program: Command, deps: ReceiptCommandDeps): void {
  program
    .command('verify-receipt')
    .description('check a consent receipt (or a "download my data" bundle) offline and print what it attests')
    .argument('<file>', 'the receipt: its JWS, its ?format=json answer, or an export bundle')
    .option(
      '--keys <jwks>',
      'a JWKS file or URL (GET /api/keys); default: the keys this host is configured with',
    )
    .action(async (file: string, opts: { keys?: string }) => {
      const text = await readFile(file, 'utf8').catch((err: Error) =>
        deps.fail(`cannot read ${file}: ${err.message}`),
      )
      const held = heldIn(text)
      if (!held) deps.fail(`${file} holds neither a receipt nor an export bundle`)
      const jwks = await keysFrom(opts.keys, deps)
      if (held.kind === 'bundle') {
        const checked = await verifyBundle(held.bundle, jwks)
        if (!checked.ok) deps.fail(`NOT VALID: ${checked.reason}: ${checked.detail}`)
        deps.out(
          `valid export of customer ${checked.digest.customerId}, made ${checked.digest.createdAt}, signed by key ${checked.kid}`,
        )
        deps.out(`  sha-256 of its contents: ${checked.digest.sha256}`)
        return
      }
      const checked = await verifyReceipt(held.jws, jwks)
      if (!checked.ok) deps.fail(`NOT VALID: ${checked.reason}: ${checked.detail}`)
      attests(checked.value, checked.kid, deps.out)
    })
}
