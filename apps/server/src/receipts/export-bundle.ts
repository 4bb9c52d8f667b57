import { createHash } from 'node:crypto'
import { type AuditEntry, canonicalJson, type Decision, type NoticeVersion } from '@consent-sync/consent-core'
import type { JSONWebKeySet } from 'jose'
import type { CustomerRecord } from '../store/directory'
import type { IssuedReceipt, ReceiptIssuer } from './issuer'
import { escapeHtml, page, receiptSection } from './pages'
import type { ConsentReceipt } from './receipt'
import { EXPORT_TYP, type ExportDigest, signDigest, verifySigned } from './signing'

export const EXPORT_FORMAT = 'consent-sync-export/1'

/**
 * "Download my data" (docs/receipts.md): everything held about one customer. Its members, in the
 * order they are written, which is also canonical (sorted) key order, so the document as sent is
 * its own canonical JSON and `signature` closes it.
 */
export interface ExportBundle {
  audit: AuditEntry[]
  createdAt: string
  customerId: string
  decisions: Decision[]
  format: typeof EXPORT_FORMAT
  /** The same contents as one readable HTML page (a person opens it; the members are what is checked). */
  html: string
  /** Every notice version the customer decided under, in every language. */
  notices: NoticeVersion[]
  profile: CustomerRecord
  receipts: Array<{ decisionId: string; jws: string }>
  /** JWS over `{sha256, customerId, createdAt}`, the SHA-256 of the canonical JSON of the other members. */
  signature: string
}

export interface ExportSources {
  customerId: string
  profile: CustomerRecord
  decisions: Decision[]
  audit: AuditEntry[]
  createdAt: string
}

/** The notice versions the decisions and entries name, each once, as published. */
async function noticesOf(issuer: ReceiptIssuer, s: ExportSources): Promise<NoticeVersion[]> {
  const named = new Map<string, [string, string]>()
  for (const d of s.decisions)
    named.set(JSON.stringify([d.purposeId, d.noticeVersion]), [d.purposeId, d.noticeVersion])
  for (const e of s.audit)
    named.set(JSON.stringify([e.purposeId, e.noticeVersion]), [e.purposeId, e.noticeVersion])
  const found: NoticeVersion[] = []
  for (const [purposeId, version] of named.values()) {
    const v = await issuer.noticeVersion(purposeId, version)
    if (v) found.push(v)
  }
  return found
}

/**
 * The bundle as text pieces, streamed: each array element is written as it is made, and the
 * running SHA-256 of what was written is signed at the end.
 */
export async function* exportChunks(issuer: ReceiptIssuer, s: ExportSources): AsyncGenerator<string> {
  const hash = createHash('sha256')
  const emit = (text: string) => {
    hash.update(text)
    return text
  }
  const array = function* <T>(items: readonly T[]) {
    for (let i = 0; i < items.length; i++) yield emit(`${i === 0 ? '' : ','}${canonicalJson(items[i])}`)
  }
  // The receipts first: the readable page inside the bundle shows them.
  const issued: IssuedReceipt[] = []
  for (const entry of s.audit) issued.push(await issuer.issue(entry))
  const notices = await noticesOf(issuer, s)
  const html = exportPage({ ...s, format: EXPORT_FORMAT, notices, receipts: issued.map((r) => r.receipt) })
  yield emit('{"audit":[')
  yield* array(s.audit)
  yield emit(
    `],"createdAt":${JSON.stringify(s.createdAt)},"customerId":${JSON.stringify(s.customerId)},"decisions":[`,
  )
  yield* array(s.decisions)
  yield emit(`],"format":${JSON.stringify(EXPORT_FORMAT)},"html":${JSON.stringify(html)},"notices":`)
  yield emit(canonicalJson(notices))
  yield emit(`,"profile":${canonicalJson(s.profile)},"receipts":[`)
  for (let i = 0; i < s.audit.length; i++) {
    const entry = s.audit[i]!
    const { jws } = issued[i]!
    yield emit(`${i === 0 ? '' : ','}${canonicalJson({ decisionId: entry.decisionId, jws })}`)
  }
  // What is signed is the document so far closed as an object: the bundle without its signature.
  hash.update(']}')
  const digest: ExportDigest = {
    sha256: hash.digest('hex'),
    customerId: s.customerId,
    createdAt: s.createdAt,
  }
  yield `],"signature":${JSON.stringify(await signDigest(digest, issuer.key))}}`
}

export type BundleCheck =
  | { ok: true; digest: ExportDigest; kid: string }
  | {
      ok: false
      reason: 'bad-signature' | 'unknown-key' | 'malformed' | 'wrong-type' | 'digest-mismatch'
      detail: string
    }

/** Checks a parsed bundle: its signature by a published key, and that it signs these very contents. */
export async function verifyBundle(
  bundle: Record<string, unknown>,
  jwks: JSONWebKeySet,
): Promise<BundleCheck> {
  if (typeof bundle.signature !== 'string')
    return { ok: false, reason: 'malformed', detail: 'no signature member' }
  const checked = await verifySigned<ExportDigest>(bundle.signature, jwks, EXPORT_TYP)
  if (!checked.ok) return checked
  const sha256 = createHash('sha256').update(canonicalJson(bundle, 'signature')).digest('hex')
  if (sha256 !== checked.value.sha256 || bundle.customerId !== checked.value.customerId) {
    return { ok: false, reason: 'digest-mismatch', detail: 'the bundle is not the one that was signed' }
  }
  return { ok: true, digest: checked.value, kid: checked.kid }
}

/**
 * The bundle as one readable page (its `html` member, and `?format=html`): profile, decisions with
 * receipts, notice texts; with the signature once there is one.
 */
export function exportPage(
  bundle: Omit<ExportBundle, 'receipts' | 'html' | 'signature'> & {
    receipts: ConsentReceipt[]
    signature?: string
  },
  origin = '',
): string {
  const p = bundle.profile
  const notices = bundle.notices
    .map(
      (n) =>
        `<h3>${escapeHtml(n.purposeId)} version ${escapeHtml(n.version)}</h3><p>SHA-256 ${escapeHtml(n.textHash)}, published ${escapeHtml(n.publishedAt)}</p>` +
        (['en', 'si', 'ta'] as const)
          .map((l) => `<h4>${escapeHtml(n.title[l])} (${l})</h4><p>${escapeHtml(n.notice[l])}</p>`)
          .join(''),
    )
    .join('')
  return page(
    `Your data — ${p.id}`,
    `<h1>Everything held about ${escapeHtml(p.name)} (${escapeHtml(p.id)})</h1>
<p>Prepared ${escapeHtml(bundle.createdAt)}. Name ${escapeHtml(p.name)}, phone ${escapeHtml(p.phone)}${p.email ? `, email ${escapeHtml(p.email)}` : ''}.</p>
<p>${bundle.decisions.length} decisions, ${bundle.audit.length} audit entries, ${bundle.notices.length} notice versions.</p>
<h2>Decisions and their receipts</h2>${bundle.receipts.map(receiptSection).join('')}
<h2>Notice texts you decided under</h2>${notices}
${
  bundle.signature
    ? `<h2>Signature</h2><pre>${escapeHtml(bundle.signature)}</pre>`
    : '<p>The bundle this page came with is signed: its <code>signature</code> member covers this page too (check it with <code>consent-sync verify-receipt</code>).</p>'
}`,
    origin,
  )
}
