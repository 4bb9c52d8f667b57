import http from 'node:http'
import https from 'node:https'
import { isIP } from 'node:net'
import { checkTargetUrl, guardedLookup, hostOf, isRefusedAddress, type TargetPolicy } from './target-guard'

/** What one POST to a receiver came to. */
export type AttemptOutcome =
  | { kind: 'delivered'; status: number }
  /** 410 Gone: the receiver asks for no more (the endpoint is disabled). */
  | { kind: 'gone'; status: 410 }
  | { kind: 'failed'; status: number | null; reason: FailureReason; error: string }

/** Why an attempt failed, as the failures metric counts it. */
export type FailureReason = 'status' | 'timeout' | 'network' | 'refused-target'

export interface AttemptRequest {
  url: string
  headers: Record<string, string>
  body: string
  timeoutMs: number
  policy: TargetPolicy
  /** Aborts the attempt (the server is stopping); the outcome is then not recorded. */
  signal?: AbortSignal
  /** Name resolution (tests: a name that resolves to loopback); default the system's. */
  resolve?: Parameters<typeof guardedLookup>[2]
}

/** Bytes of a receiver's answer read at most: its status is what counts. */
const MAX_ANSWER_BYTES = 4096

/**
 * POSTs the body once, to the address that was checked (target-guard.ts), within `timeoutMs`
 * from the start to the end of the answer; a redirect is a failure (not followed). Never throws.
 */
export function attemptDelivery(req: AttemptRequest): Promise<AttemptOutcome> {
  const verdict = checkTargetUrl(req.policy, req.url)
  if (!verdict.ok) return Promise.resolve(refused(verdict.detail))
  const url = verdict.url
  const host = hostOf(url)
  const trusted = req.policy.allowPrivate || req.policy.allowedHosts.includes(host)
  // An address literal is connected to without a lookup: judged here.
  if (isIP(host) !== 0 && !trusted && isRefusedAddress(host))
    return Promise.resolve(refused(`${host} is refused`))
  const send = url.protocol === 'https:' ? https.request : http.request
  return new Promise((resolve) => {
    let settled = false
    const finish = (outcome: AttemptOutcome) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(outcome)
    }
    const request = send(url, {
      method: 'POST',
      headers: { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) },
      lookup: guardedLookup(req.policy, url, req.resolve),
      // A socket per attempt: no pooled connection to an address checked for an earlier one.
      agent: false,
      ...(req.signal ? { signal: req.signal } : {}),
    })
    const timer = setTimeout(() => {
      finish({
        kind: 'failed',
        status: null,
        reason: 'timeout',
        error: `no answer within ${req.timeoutMs} ms`,
      })
      request.destroy()
    }, req.timeoutMs)
    request.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EWEBHOOKTARGET') finish(refused(err.message))
      else finish({ kind: 'failed', status: null, reason: 'network', error: err.message })
    })
    request.on('response', (res) => {
      let read = 0
      res.on('data', (chunk: Buffer) => {
        read += chunk.length
        if (read > MAX_ANSWER_BYTES) res.destroy()
      })
      const done = () => {
        const status = res.statusCode ?? 0
        if (status >= 200 && status < 300) finish({ kind: 'delivered', status })
        else if (status === 410) finish({ kind: 'gone', status: 410 })
        else finish({ kind: 'failed', status, reason: 'status', error: `answered ${status}` })
        request.destroy()
      }
      res.on('end', done)
      res.on('close', done)
      res.on('error', done)
    })
    request.end(req.body)
  })
}

function refused(detail: string): AttemptOutcome {
  return { kind: 'failed', status: null, reason: 'refused-target', error: detail }
}
