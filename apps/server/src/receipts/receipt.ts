import type { AuditEntry, Language, NoticeVersion } from '@consent-sync/consent-core'
import type { ReceiptConfig } from './receipt-config'

/** The version of this receipt's shape; Kantara CR v1.1 `version` names the spec it follows. */
export const RECEIPT_SCHEMA_VERSION = 'consent-sync-receipt/1 (ISO/IEC TS 27560:2023; Kantara CR v1.1)'

/**
 * One accepted decision as evidence the customer and a regulator can hold (docs/receipts.md): the
 * fields of ISO/IEC TS 27560, named as Kantara Consent Receipt v1.1 names them where it has a name.
 * Built from the stored audit entry and the published notice version, never from device data
 * (the device's clock is kept only as `event.deviceTime`, labelled as such).
 */
export interface ConsentReceipt {
  /** Kantara `version`; TS 27560 schema version. */
  version: string
  /** Kantara `consentReceiptID`; TS 27560 record id: the decision's id. */
  consentReceiptID: string
  /** Kantara `jurisdiction`. */
  jurisdiction: string
  /** Kantara `consentTimestamp` (seconds since the epoch): the server's receive time. */
  consentTimestamp: number
  /** Kantara `collectionMethod`: the channel, in words. */
  collectionMethod: string
  /** Kantara `language`: the language the notice is given in on this receipt. */
  language: Language
  /** Kantara `piiPrincipalId`; TS 27560 PII principal. */
  piiPrincipalId: string
  /** Kantara `piiControllers`; TS 27560 controller with contact. */
  piiControllers: Array<{
    piiController: string
    contact: string
    email: string
    phone?: string
    piiControllerUrl?: string
  }>
  /** Kantara `policyUrl`: the exact notice version. */
  policyUrl: string
  /** Kantara `services[].purposes[]`; TS 27560 purpose. */
  services: Array<{
    service: string
    purposes: Array<{
      purpose: string
      purposeId: string
      consentType: 'EXPLICIT'
      primaryPurpose: false
      termination: string
      thirdPartyDisclosure: false
    }>
  }>
  /** Kantara `sensitive`. */
  sensitive: false
  /** TS 27560 notice: which text, its version, its language and its hash. */
  notice: {
    purposeId: string
    version: string
    language: Language
    title: string
    textHash: string | null
    publishedAt: string | null
    url: string
  }
  /** TS 27560 consent event. */
  event: {
    time: string
    type: 'given' | 'withdrawn'
    /** The purpose's folded state after the decision. */
    state: 'granted' | 'withdrawn'
    previousState: 'granted' | 'withdrawn'
    conflicted: boolean
    channel: string
    recordedBy: { id: string; role: string }
    /** The agent's reference for a phone or store decision (null for the customer's own). */
    evidence: string | null
    /** The device clock's claim: shown, never trusted. */
    deviceTime: string
  }
  /** TS 27560 withdrawal: how to take the consent back. */
  withdrawal: { method: string; url: string }
  /** Where this receipt sits in the customer's hash chain (DESIGN.md §7). */
  audit: { seq: number; hash: string; prevHash: string; updateHash: string }
  /**
   * The newest signed checkpoint whose log holds this customer's chain at or past this entry
   * (docs/checkpoints.md), once there is one: where to get the inclusion proof.
   */
  checkpoint?: ReceiptCheckpoint
}

export interface ReceiptCheckpoint {
  origin: string
  size: number
  /** Base64 root hash, as in the signed note. */
  root: string
  /** `GET` it (with a token) for the inclusion proof of the customer's head at that size. */
  inclusionProof: string
}

const CHANNEL_WORDS: Record<string, string> = {
  web: 'customer web dashboard',
  app: 'customer mobile app',
  phone: 'telephone call with an agent',
  store: 'in person at a store',
  import: 'imported from an earlier system',
}

export interface ReceiptInputs {
  entry: AuditEntry
  /** The notice version the decision names, as published; absent for a version not in the catalog. */
  version: NoticeVersion | undefined
  config: Pick<ReceiptConfig, 'controller' | 'jurisdiction' | 'publicUrl'>
  language?: Language
}

export function buildReceipt({ entry, version, config, language = 'en' }: ReceiptInputs): ConsentReceipt {
  const base = config.publicUrl ?? ''
  const noticeUrl = `${base}/api/purposes/${encodeURIComponent(entry.purposeId)}/versions/${encodeURIComponent(entry.noticeVersion)}`
  const title = version?.title[language] ?? entry.purposeId
  const c = config.controller
  return {
    version: RECEIPT_SCHEMA_VERSION,
    consentReceiptID: entry.decisionId,
    jurisdiction: config.jurisdiction,
    consentTimestamp: Math.floor(Date.parse(entry.receivedAt) / 1000),
    collectionMethod: CHANNEL_WORDS[entry.channel] ?? entry.channel,
    language,
    piiPrincipalId: entry.customerId,
    piiControllers: [
      {
        piiController: c.name,
        contact: c.email,
        email: c.email,
        ...(c.phone ? { phone: c.phone } : {}),
        ...(c.url ? { piiControllerUrl: c.url } : {}),
      },
    ],
    policyUrl: noticeUrl,
    services: [
      {
        service: c.name,
        purposes: [
          {
            purpose: title,
            purposeId: entry.purposeId,
            consentType: 'EXPLICIT',
            primaryPurpose: false,
            termination: version?.lifetimeDays
              ? `${version.lifetimeDays} days after it was given, or when withdrawn`
              : 'when withdrawn',
            thirdPartyDisclosure: false,
          },
        ],
      },
    ],
    sensitive: false,
    notice: {
      purposeId: entry.purposeId,
      version: entry.noticeVersion,
      language,
      title,
      // The hash the audit entry stored is what was agreed to; the catalog's must be the same.
      textHash: entry.noticeHash ?? version?.textHash ?? null,
      publishedAt: version?.publishedAt ?? null,
      url: noticeUrl,
    },
    event: {
      time: entry.receivedAt,
      type: entry.decision === 'granted' ? 'given' : 'withdrawn',
      state: entry.newState,
      previousState: entry.previousState,
      conflicted: entry.conflicted,
      channel: entry.channel,
      recordedBy: { id: entry.actorId, role: entry.actorRole },
      evidence: entry.evidence,
      deviceTime: entry.deviceAt,
    },
    withdrawal: {
      method: `Switch the purpose off in the customer dashboard, or ask an agent by phone or in a store; or write to ${c.email}. Withdrawing is as easy as granting and takes effect at once.`,
      url: `${base}/customer/`,
    },
    audit: { seq: entry.seq, hash: entry.hash, prevHash: entry.prevHash, updateHash: entry.updateHash },
  }
}
