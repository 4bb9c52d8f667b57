import type { AppendRequest } from './document-log'

/**
 * A batch as it crosses to the writer thread: the requests as JSON, their updates side by side in
 * one transferred buffer. Cloning the objects cost more than the SQLite work they carry.
 */
export interface PostedBatch {
  json: string
  updates: ArrayBuffer
}

type PostedRequest = Omit<AppendRequest, 'update'> & { update: [offset: number, length: number] }

export function postBatch(requests: readonly AppendRequest[]): PostedBatch {
  for (const r of requests) {
    if (!(r.update instanceof Uint8Array))
      throw new TypeError(`append for ${r.customerId}: update is not bytes`)
  }
  const updates = new Uint8Array(requests.reduce((n, r) => n + r.update.byteLength, 0))
  let offset = 0
  const posted = requests.map((r): PostedRequest => {
    updates.set(r.update, offset)
    const at: [number, number] = [offset, r.update.byteLength]
    offset += r.update.byteLength
    return { ...r, update: at }
  })
  return { json: JSON.stringify(posted), updates: updates.buffer }
}

export function receiveBatch({ json, updates }: PostedBatch): AppendRequest[] {
  const bytes = new Uint8Array(updates)
  return (JSON.parse(json) as PostedRequest[]).map((r) => ({
    ...r,
    update: bytes.subarray(r.update[0], r.update[0] + r.update[1]),
  }))
}
