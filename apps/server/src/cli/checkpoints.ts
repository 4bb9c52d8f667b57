import { readFile, rename, writeFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { openCheckpoint } from '../checkpoints/checkpoint'
import { resolveCheckpointConfig } from '../checkpoints/checkpoint-config'
import type { HeadLeaf } from '../checkpoints/leaf'
import { LogTree } from '../checkpoints/log-tree'
import { type NoteVerifier, parseVerifierKey } from '../checkpoints/note'
import { openCheckpointLog } from '../checkpoints/service'
import { verifyCheckpoints } from '../checkpoints/verify-checkpoint'
import { witnessCheckpoint } from '../checkpoints/witness'
import type { Config } from '../config'
import type { CliHelpers } from './helpers'

/** The key checkpoints are checked with: the one given, or the one this deployment signs with. */
function verifierFor(h: CliHelpers, config: Config, given: string | undefined): NoteVerifier {
  const vkey = given ?? resolveCheckpointConfig(config).signer?.verifierKey
  if (!vkey) h.fail('no checkpoint key: give --checkpoint-key <name+hash+key> or set CHECKPOINT_SIGNING_KEY')
  const verifier = parseVerifierKey(vkey)
  if (!verifier) h.fail(`not a signed-note verifier key: ${vkey}`)
  return verifier
}

/** Leaves as `GET /api/checkpoints/leaves` serves them (from 0), or a JSON array of them. */
async function readLeaves(h: CliHelpers, file: string): Promise<HeadLeaf[]> {
  const body = JSON.parse(await readFile(file, 'utf8')) as { from?: number; leaves?: unknown } | unknown[]
  const list = Array.isArray(body) ? body : body.leaves
  if (!Array.isArray(body) && (body.from ?? 0) !== 0) h.fail(`${file}: the leaves must start at 0`)
  const ok = (l: unknown): l is HeadLeaf =>
    typeof l === 'object' &&
    l !== null &&
    typeof (l as HeadLeaf).customerId === 'string' &&
    Number.isSafeInteger((l as HeadLeaf).seq) &&
    typeof (l as HeadLeaf).hash === 'string'
  if (!Array.isArray(list) || !list.every(ok)) h.fail(`${file}: not a list of {customerId, seq, hash} leaves`)
  return list
}

/**
 * `verify --checkpoint FILE…`: the store against signed checkpoints (docs/checkpoints.md "Verifying").
 * Prints what it found; false when anything is wrong.
 */
export async function verifyAgainstCheckpoints(
  h: CliHelpers,
  config: Config,
  files: readonly string[],
  key: string | undefined,
  leavesFile?: string,
): Promise<boolean> {
  const verifier = verifierFor(h, config, key)
  const inputs = await Promise.all(files.map(async (f) => ({ source: f, text: await readFile(f, 'utf8') })))
  const archived = leavesFile ? await readLeaves(h, leavesFile) : undefined
  const report = await h.withStore(config, async (store) => {
    const log = await openCheckpointLog(config)
    try {
      await log.migrateCheckpoints()
      return await verifyCheckpoints(inputs, {
        log,
        audit: store,
        verifier,
        ...(archived ? { archived } : {}),
      })
    } finally {
      await log.closeCheckpoints()
    }
  })
  h.out(
    `${report.ok ? 'OK' : 'FAILED'}: ${report.checkpoints} checkpoints, ${report.customers} customers' heads checked`,
  )
  for (const p of report.problems) {
    const who =
      p.customerId === undefined ? '' : ` ${p.customerId}${p.seq === undefined ? '' : ` seq ${p.seq}`}`
    h.out(`  ${p.source}${p.size === undefined ? '' : ` size ${p.size}`}${who}: ${p.reason}: ${p.detail}`)
  }
  return report.ok
}

interface WitnessState {
  verifierKey: string
  checkpoint: string
}

async function readState(file: string): Promise<WitnessState | null> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  return JSON.parse(text) as WitnessState
}

async function proofFromServer(server: string, from: number, to: number): Promise<Buffer[]> {
  const res = await fetch(new URL(`/api/checkpoints/consistency?from=${from}&to=${to}`, server))
  if (!res.ok) throw new Error(`${server} answered ${res.status}`)
  const body = (await res.json()) as { proof: string[] }
  return body.proof.map((p) => Buffer.from(p, 'base64'))
}

/** `consent-sync witness`: remembers the last checkpoint it accepted and refuses one that does not extend it. */
export function registerWitnessCommand(program: Command, h: CliHelpers): void {
  program
    .command('witness')
    .description(
      'accept CHECKPOINT only if it extends the last checkpoint accepted (kept in --state), else exit 1 saying why',
    )
    .argument('<checkpoint>', 'a signed checkpoint file (as GET /api/checkpoints/latest serves it)')
    .requiredOption('--state <file>', 'where the last accepted checkpoint and its key are kept')
    .option(
      '--server <url>',
      'fetch consistency proofs from this server (default: compute them from the local store)',
    )
    .option(
      '--checkpoint-key <vkey>',
      'the signed-note verifier key (default: the one in --state, else this deployment’s)',
    )
    .action(async (file: string, options: { state: string; server?: string; checkpointKey?: string }) => {
      const state = await readState(options.state)
      if (state && options.checkpointKey && state.verifierKey !== options.checkpointKey) {
        h.fail(
          `refused: ${options.state} was kept for key ${state.verifierKey}, not ${options.checkpointKey}`,
        )
      }
      // The key is pinned in the state on first use; without one, this deployment's own.
      const vkey =
        options.checkpointKey ??
        state?.verifierKey ??
        resolveCheckpointConfig(h.configOrExit()).signer?.verifierKey
      if (!vkey)
        h.fail('no checkpoint key: give --checkpoint-key <name+hash+key> or set CHECKPOINT_SIGNING_KEY')
      const verifier = parseVerifierKey(vkey)
      if (!verifier) h.fail(`not a signed-note verifier key: ${vkey}`)
      const seenOpened = state ? openCheckpoint(state.checkpoint, verifier) : null
      if (seenOpened && !seenOpened.ok)
        h.fail(`refused: the checkpoint in ${options.state} does not check: ${seenOpened.detail}`)
      const text = await readFile(file, 'utf8')
      const proofOf = async (from: number, to: number) => {
        if (options.server) return proofFromServer(options.server, from, to)
        const log = await openCheckpointLog(h.configOrExit())
        try {
          await log.migrateCheckpoints()
          const tree = new LogTree(await log.checkpointLeaves())
          if (to > tree.size) throw new Error(`the local log has ${tree.size} leaves`)
          return tree.consistency(from, to)
        } finally {
          await log.closeCheckpoints()
        }
      }
      const verdict = await witnessCheckpoint(seenOpened?.value ?? null, text, verifier, proofOf)
      if (!verdict.ok) h.fail(`refused: ${verdict.reason}: ${verdict.detail}`)
      const next: WitnessState = { verifierKey: vkey, checkpoint: text }
      await writeFile(`${options.state}.tmp`, `${JSON.stringify(next, null, 2)}\n`)
      await rename(`${options.state}.tmp`, options.state)
      const was = verdict.previous ? ` (was ${verdict.previous.size})` : ' (first seen)'
      h.out(`accepted: ${verdict.value.origin} size ${verdict.value.size}${was}`)
    })
}
