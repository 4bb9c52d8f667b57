import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import { until } from './until'

/** One frame of RFC 6455 as a client sends it (masked). */
function clientFrame(opcode: number, payload: Uint8Array): Buffer {
  const mask = randomBytes(4)
  const length = payload.byteLength
  const header = length < 126 ? Buffer.alloc(2) : length < 65536 ? Buffer.alloc(4) : Buffer.alloc(10)
  header[0] = 0x80 | opcode
  if (length < 126) header[1] = 0x80 | length
  else if (length < 65536) {
    header[1] = 0x80 | 126
    header.writeUInt16BE(length, 2)
  } else {
    header[1] = 0x80 | 127
    header.writeBigUInt64BE(BigInt(length), 2)
  }
  const body = Buffer.from(payload)
  for (let i = 0; i < body.length; i++) body[i] = (body[i] as number) ^ (mask[i % 4] as number)
  return Buffer.concat([header, mask, body])
}

/**
 * A WebSocket client written by hand over TCP, for peers that misbehave the way real ones do:
 * it goes on sending after the server's close, or stops reading altogether. It records the
 * server's close frame and when the server dropped the TCP connection.
 */
export async function handSocket(port: number, path: string) {
  const socket: Socket = connect({ host: '127.0.0.1', port })
  let received = Buffer.alloc(0)
  let upgraded = false
  let closeFrame: { code: number; reason: string; at: number } | null = null
  let endedAt: number | null = null
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk])
    if (!upgraded) {
      const end = received.indexOf('\r\n\r\n')
      if (end < 0) return
      upgraded = received.subarray(0, end).includes('101 Switching Protocols')
      received = received.subarray(end + 4)
    }
    readFrames()
  })
  const readFrames = () => {
    // Server frames are unmasked; lengths up to 64 bits.
    while (received.length >= 2 && closeFrame === null) {
      const opcode = (received[0] as number) & 0x0f
      let length = (received[1] as number) & 0x7f
      let offset = 2
      if (length === 126) {
        if (received.length < 4) return
        length = received.readUInt16BE(2)
        offset = 4
      } else if (length === 127) {
        if (received.length < 10) return
        length = Number(received.readBigUInt64BE(2))
        offset = 10
      }
      if (received.length < offset + length) return
      const payload = received.subarray(offset, offset + length)
      if (opcode === 0x8) {
        closeFrame = {
          code: payload.length >= 2 ? payload.readUInt16BE(0) : 1005,
          reason: payload.subarray(2).toString(),
          at: Date.now(),
        }
      }
      received = received.subarray(offset + length)
    }
  }
  socket.on('close', () => {
    endedAt = Date.now()
  })
  socket.on('error', () => {})
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('error', reject)
  })
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  )
  await until(() => upgraded, 5000, 'upgrade answered')
  return {
    socket,
    get closeFrame() {
      return closeFrame
    },
    /** When the server dropped the TCP connection (ms since the epoch), or null. */
    get endedAt() {
      return endedAt
    },
    /** Writes one binary frame; resolves when the socket can take more (or is gone). */
    async send(payload: Uint8Array): Promise<void> {
      if (endedAt !== null || socket.destroyed) return
      if (socket.write(clientFrame(0x2, payload))) return
      await new Promise<void>((resolve) => {
        const done = () => {
          socket.off('drain', done)
          socket.off('close', done)
          resolve()
        }
        socket.once('drain', done)
        socket.once('close', done)
      })
    },
    /** Stops reading what the server sends: its unsent bytes pile up on the server. */
    stopReading(): void {
      socket.pause()
    },
    destroy(): void {
      socket.destroy()
    },
  }
}

export type HandSocket = Awaited<ReturnType<typeof handSocket>>
