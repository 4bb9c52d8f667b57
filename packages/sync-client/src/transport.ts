/**
 * How a handle reaches its server. The y-websocket provider opens sockets of a class with the
 * browser WebSocket's shape; a transport names that class. The WebSocket transport is the
 * default; the in-page transport connects to a server living in the same page (the offline demo)
 * through an in-memory pair of sockets, as tldraw's TestSocketPair does for its tests.
 */

/** What the provider uses of a socket: a part of the browser's WebSocket. */
export interface SocketLike {
  binaryType: string
  readonly readyState: number
  readonly OPEN: number
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: ArrayBuffer }) => void) | null
  onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null
  onerror: ((event: unknown) => void) | null
  send(data: ArrayBufferLike | ArrayBufferView): void
  close(code?: number, reason?: string): void
}

export type SocketClass = new (url: string, protocols?: string | string[]) => SocketLike

export interface Transport {
  readonly Socket: SocketClass
}

/** Real WebSockets: the browser's, or another implementation with its shape (the `ws` package in Node). */
export function webSocketTransport(Socket: unknown = globalThis.WebSocket): Transport {
  if (typeof Socket !== 'function')
    throw new Error('no WebSocket implementation: pass one, e.g. the ws package')
  return { Socket: Socket as SocketClass }
}

/** The server's end of one in-page connection. */
export interface InPageConnection {
  /** The URL the client opened, e.g. `inpage://demo/sync/C-0001?token=…`. */
  readonly url: URL
  send(bytes: Uint8Array): void
  /** Closes both ends; the client sees `code` and `reason` as from a server. */
  close(code: number, reason: string): void
  /** Each message the client sends. */
  onMessage: ((bytes: Uint8Array) => void) | null
  /** The client went (closed its socket). */
  onClose: (() => void) | null
}

const CONNECTING = 0
const OPEN = 1
const CLOSED = 3

/** Bytes as the server sees them: a copy, as a network would deliver it. */
function bytesOf(data: ArrayBufferLike | ArrayBufferView): Uint8Array {
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength))
  return new Uint8Array(data.slice(0))
}

/**
 * Sockets that connect to `accept` in this page. Every event is delivered on a later task, as a
 * network would, so neither end can rely on the other reacting synchronously.
 */
export function inPageTransport(accept: (connection: InPageConnection) => void): Transport {
  class InPageSocket implements SocketLike {
    binaryType = 'arraybuffer'
    readyState = CONNECTING
    readonly OPEN = OPEN
    onopen: SocketLike['onopen'] = null
    onmessage: SocketLike['onmessage'] = null
    onclose: SocketLike['onclose'] = null
    onerror: SocketLike['onerror'] = null
    private readonly server: InPageConnection

    constructor(url: string) {
      const later = (f: () => void) => setTimeout(f, 0)
      const end = (code: number, reason: string, notifyServer: boolean) => {
        if (this.readyState === CLOSED) return
        this.readyState = CLOSED
        later(() => {
          if (notifyServer) this.server.onClose?.()
          this.onclose?.({ code, reason, wasClean: true })
        })
      }
      this.server = {
        url: new URL(url),
        send: (bytes) => {
          if (this.readyState !== OPEN) return
          const data = bytesOf(bytes).buffer as ArrayBuffer
          later(() => {
            if (this.readyState === OPEN) this.onmessage?.({ data })
          })
        },
        close: (code, reason) => end(code, reason, true),
        onMessage: null,
        onClose: null,
      }
      this.end = end
      later(() => {
        if (this.readyState !== CONNECTING) return
        this.readyState = OPEN
        accept(this.server)
        this.onopen?.({})
      })
    }

    private readonly end: (code: number, reason: string, notifyServer: boolean) => void

    send(data: ArrayBufferLike | ArrayBufferView): void {
      if (this.readyState !== OPEN) return
      const bytes = bytesOf(data)
      setTimeout(() => {
        if (this.readyState === OPEN) this.server.onMessage?.(bytes)
      }, 0)
    }

    close(code = 1000, reason = ''): void {
      this.end(code, reason, true)
    }
  }
  return { Socket: InPageSocket }
}
