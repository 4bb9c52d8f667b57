import { ConsentSyncError } from './error.js'

/**
 * Parses a JSON Lines body as it arrives: one row per line, whatever the chunk boundaries, holding
 * at most one unfinished line in memory. Leaving the loop early cancels the body.
 */
export async function* readJsonLines<Row>(
  body: ReadableStream<Uint8Array>,
  status = 200,
): AsyncGenerator<Row> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let pending = ''
  let lineNumber = 0
  let finished = false

  function parse(line: string): Row | undefined {
    lineNumber++
    const text = line.endsWith('\r') ? line.slice(0, -1) : line
    if (text.trim() === '') return undefined
    try {
      return JSON.parse(text) as Row
    } catch {
      throw new ConsentSyncError(status, { error: 'bad-response', message: `line ${lineNumber} is not JSON` })
    }
  }

  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      pending += decoder.decode(value, { stream: true })
      let start = 0
      for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
        const row = parse(pending.slice(start, end))
        start = end + 1
        if (row !== undefined) yield row
      }
      pending = pending.slice(start)
    }
    finished = true
    pending += decoder.decode()
    const last = parse(pending)
    if (last !== undefined) yield last
  } finally {
    if (finished) reader.releaseLock()
    else await reader.cancel().catch(() => {})
  }
}
