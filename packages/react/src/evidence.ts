import { apiBase, type Session } from './session'

/** A receipt as JSON (saved as a file) or as its printable page (opened to print). */
export type EvidenceFormat = 'json' | 'html'

async function fetchEvidence(session: Session, path: string): Promise<Blob> {
  const res = await fetch(`${apiBase()}${path}`, { headers: { authorization: `Bearer ${session.token}` } })
  if (!res.ok) throw new Error(`${path} answered ${res.status}`)
  return res.blob()
}

/** Saves `blob` as a download named `filename` (the page keeps its place). */
function save(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.click()
  // Revoked after the click has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/**
 * One decision's receipt: `json` downloads it, `html` opens its printable page in a new tab. The
 * request carries the session's token, which a plain link could not.
 */
export async function openReceipt(
  session: Session,
  customerId: string,
  decisionId: string,
  format: EvidenceFormat,
  lang = 'en',
): Promise<void> {
  // Opened before the fetch, while the click still counts as the user's: pop-up blockers allow it.
  const tab = format === 'html' ? window.open('', '_blank') : null
  const query = `customerId=${encodeURIComponent(customerId)}&format=${format}&lang=${lang}`
  try {
    const blob = await fetchEvidence(session, `/api/receipts/${encodeURIComponent(decisionId)}?${query}`)
    if (format === 'json') return save(blob, `receipt-${decisionId}.json`)
    const url = URL.createObjectURL(blob)
    if (tab) tab.location.href = url
    else window.open(url, '_blank')
  } catch (err) {
    tab?.close()
    throw err
  }
}

/** "Download my data": the whole signed bundle as one JSON file. */
export async function downloadMyData(session: Session, customerId: string): Promise<void> {
  const blob = await fetchEvidence(session, `/api/customers/${encodeURIComponent(customerId)}/export`)
  save(blob, `my-consent-data-${customerId}.json`)
}
