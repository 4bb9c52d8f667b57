/** 7. Client side: gzipped size of each web app's built JavaScript. */
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { gzipSync } from 'node:zlib'

const ROOT = path.resolve(import.meta.dirname, '../..')

export interface BundleSize {
  app: string
  files: number
  bytes: number | null
  gzipBytes: number | null
}

export async function bundleSizes(apps = ['customer-web', 'csr-web']): Promise<BundleSize[]> {
  const out: BundleSize[] = []
  for (const app of apps) {
    const dir = path.join(ROOT, 'apps', app, 'dist', 'assets')
    const names = await readdir(dir).catch(() => null)
    const js = names?.filter((n) => n.endsWith('.js')) ?? []
    if (js.length === 0) {
      out.push({ app, files: 0, bytes: null, gzipBytes: null })
      continue
    }
    let bytes = 0
    let gzipBytes = 0
    for (const name of js) {
      const buf = await readFile(path.join(dir, name))
      bytes += buf.byteLength
      gzipBytes += gzipSync(buf, { level: 9 }).byteLength
    }
    out.push({ app, files: js.length, bytes, gzipBytes })
  }
  return out
}
