import type { AuditEntry, Language, NoticeVersion } from '@consent-sync/consent-core'
import type { Config } from '../config'
import type { CatalogStore } from '../store/catalog-store'
import { buildReceipt, type ConsentReceipt, type ReceiptCheckpoint } from './receipt'
import { signReceipt } from './signing'
import {
  demoSigningKey,
  type KeyRegistry,
  type SigningKey,
  signingKeyFrom,
  verifyingKeyFrom,
} from './signing-keys'

/** A receipt and its signed form: the compact JWS is what the customer keeps. */
export interface IssuedReceipt {
  receipt: ConsentReceipt
  jws: string
}

/**
 * Issues the receipt of a stored audit entry, signed with the operator's current key. Receipts are
 * derived, not stored: the same entry and notice version give the same receipt, and Ed25519
 * signatures are deterministic, so a receipt fetched twice is byte for byte the same.
 */
export interface ReceiptIssuer {
  readonly key: SigningKey
  issue(entry: AuditEntry, language?: Language): Promise<IssuedReceipt>
  /** The published notice version a decision was made under (cached: versions are immutable). */
  noticeVersion(purposeId: string, version: string): Promise<NoticeVersion | undefined>
  /** Finds the checkpoint that includes an entry (set once the server's checkpoints run). */
  locateCheckpoint: ((entry: AuditEntry) => Promise<ReceiptCheckpoint | null>) | null
}

/** Why the server cannot issue receipts in this configuration (production without a key). */
export class ReceiptKeyMissing extends Error {
  override readonly name = 'ReceiptKeyMissing'
}

/**
 * The signing key as configured (`RECEIPT_SIGNING_KEY`), or outside production the demo key kept
 * beside the SQLite file; the current and previous public keys are added to `keys`.
 */
export async function openReceiptIssuer(
  config: Pick<Config, 'receipts' | 'production' | 'databasePath'>,
  store: Pick<CatalogStore, 'getVersion'>,
  keys: KeyRegistry,
): Promise<ReceiptIssuer> {
  const r = config.receipts
  if (!r.signingKey && config.production) {
    throw new ReceiptKeyMissing(
      'refusing to start: RECEIPT_SIGNING_KEY is required in production (an Ed25519 PKCS#8 PEM or JWK; README "Consent receipts")',
    )
  }
  const key = r.signingKey ? await signingKeyFrom(r.signingKey) : await demoSigningKey(config.databasePath)
  keys.add('receipt', key.publicJwk)
  for (const previous of r.previousKeys) keys.add('receipt', await verifyingKeyFrom(previous))
  const versions = new Map<string, Promise<NoticeVersion | undefined>>()
  const noticeVersion = (purposeId: string, version: string) => {
    const id = JSON.stringify([purposeId, version])
    let found = versions.get(id)
    if (!found) {
      found = store.getVersion(purposeId, version)
      // Only what exists is cached: a version may be published later.
      void found.then((v) => v ?? versions.delete(id))
      versions.set(id, found)
    }
    return found
  }
  const issuer: ReceiptIssuer = {
    key,
    noticeVersion,
    locateCheckpoint: null,
    async issue(entry, language = 'en') {
      const version = await noticeVersion(entry.purposeId, entry.noticeVersion)
      const receipt = buildReceipt({ entry, version, config: r, language })
      const checkpoint = await issuer.locateCheckpoint?.(entry)
      if (checkpoint) receipt.checkpoint = checkpoint
      return { receipt, jws: await signReceipt(receipt, key) }
    },
  }
  return issuer
}
