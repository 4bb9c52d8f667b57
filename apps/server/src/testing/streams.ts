/** Reads a text stream (a server-sent event stream, an export) until `done(text)` holds, or fails after `timeoutMs`. */
export async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  done: (text: string) => boolean,
  timeoutMs = 5000,
): Promise<string> {
  const decoder = new TextDecoder()
  let text = ''
  const deadline = Date.now() + timeoutMs
  while (!done(text)) {
    const left = deadline - Date.now()
    if (left <= 0) throw new Error(`timed out; read so far: ${JSON.stringify(text)}`)
    let timer: NodeJS.Timeout | undefined
    const chunk = await Promise.race([
      reader.read(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out; read so far: ${JSON.stringify(text)}`)), left)
      }),
    ]).finally(() => clearTimeout(timer))
    if (chunk.done) throw new Error(`stream ended; read: ${JSON.stringify(text)}`)
    text += decoder.decode(chunk.value, { stream: true })
  }
  return text
}
