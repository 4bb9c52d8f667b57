import type { ConsentReceipt } from './receipt'

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}
export const escapeHtml = (text: unknown): string =>
  String(text ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!)

/** The pages' style: inline for a saved file, and at `EVIDENCE_CSS_PATH` for a browser whose CSP refuses inline styles. */
export const EVIDENCE_STYLE = `body{font:15px/1.45 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#111}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f2f2;width:14rem}code,pre{font:12px/1.3 ui-monospace,monospace;word-break:break-all;white-space:pre-wrap}
@media print{button{display:none}}`

export const EVIDENCE_CSS_PATH = '/api/evidence.css'

/**
 * A whole page without scripts, so it prints and archives as it is. `origin` is the server's: the
 * linked style then also applies in a tab opened from a dashboard, whose policy it inherits.
 */
export function page(title: string, body: string, origin = ''): string {
  const link = `<link rel="stylesheet" href="${escapeHtml(origin)}${EVIDENCE_CSS_PATH}">`
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${EVIDENCE_STYLE}</style>${link}</head><body>${body}</body></html>`
}

function rows(pairs: Array<[string, unknown]>): string {
  return `<table>${pairs.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`
}

/** The receipt's body as tables: what it attests, for a person to read. */
export function receiptSection(r: ConsentReceipt): string {
  const c = r.piiControllers[0]
  return `<h2>${escapeHtml(r.notice.title)} — consent ${escapeHtml(r.event.type)}</h2>${rows([
    ['Receipt id', r.consentReceiptID],
    ['Customer', r.piiPrincipalId],
    ['Controller', c ? `${c.piiController} <${c.email}>` : ''],
    ['Purpose', `${r.notice.title} (${r.notice.purposeId})`],
    ['Notice version', `${r.notice.version} (${r.notice.language})`],
    ['Notice text SHA-256', r.notice.textHash ?? 'not recorded'],
    ['Event', `${r.event.type} at ${r.event.time}`],
    ['State after', r.event.state + (r.event.conflicted ? ' (concurrent decisions)' : '')],
    ['Channel', `${r.event.channel} — ${r.collectionMethod}`],
    ['Recorded by', `${r.event.recordedBy.id} (${r.event.recordedBy.role})`],
    ['Evidence', r.event.evidence ?? '—'],
    ['Jurisdiction', r.jurisdiction],
    ['How to withdraw', r.withdrawal.method],
    ['Audit chain', `entry ${r.audit.seq}, hash ${r.audit.hash}`],
  ])}`
}

export function receiptPage(r: ConsentReceipt, jws: string, origin = ''): string {
  return page(
    `Consent receipt ${r.consentReceiptID}`,
    `<h1>Consent receipt</h1>${receiptSection(r)}<h3>Signed receipt (JWS)</h3><pre>${escapeHtml(jws)}</pre>
<p>Check it with <code>consent-sync verify-receipt FILE --keys ${escapeHtml(`${origin}/api/keys`)}</code>.</p>`,
    origin,
  )
}
