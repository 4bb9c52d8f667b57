import { describe, expect, it } from 'vitest'
import { offlineShell } from './plugin'

const BUNDLE = [
  'index.html',
  'assets/index-abc.js',
  'assets/index-abc.js.map',
  'assets/index-def.css',
  'assets/noto-sans-sinhala-sinhala-400-normal-x1.woff2',
  'assets/noto-sans-tamil-tamil-700-normal-x2.woff2',
]

/** Runs the plugin with this base on a bundle of these file names; answers the worker's source. */
function workerOf(base: string, fileNames: readonly string[]): string {
  const plugin = offlineShell()
  plugin.configResolved({ base })
  let source = ''
  const bundle = Object.fromEntries(fileNames.map((fileName) => [fileName, { fileName }]))
  plugin.generateBundle.call(
    {
      emitFile(file) {
        expect(file.fileName).toBe('sw.js')
        source = file.source
        return file.fileName
      },
    },
    {},
    bundle,
  )
  return source
}

function line(source: string, name: string): string {
  const found = new RegExp(`^const ${name} = (.*)$`, 'm').exec(source)?.[1]
  if (!found) throw new Error(`no ${name} line in the worker`)
  return found
}

describe('offlineShell', () => {
  it('precaches every built asset, the fonts included, so Sinhala and Tamil render offline', () => {
    const precache = JSON.parse(line(workerOf('/customer/', BUNDLE), 'PRECACHE')) as string[]
    expect(precache).toEqual([
      '/customer/assets/index-abc.js',
      '/customer/assets/index-def.css',
      '/customer/assets/noto-sans-sinhala-sinhala-400-normal-x1.woff2',
      '/customer/assets/noto-sans-tamil-tamil-700-normal-x2.woff2',
    ])
  })

  it('for a relative base, precaches the same files under the directory the worker is served from', () => {
    const source = workerOf('./', BUNDLE)
    expect(line(source, 'BASE')).toBe("new URL('./', self.location.href).pathname")
    expect(line(source, 'PRECACHE')).toBe(
      '[BASE + "assets/index-abc.js",BASE + "assets/index-def.css",' +
        'BASE + "assets/noto-sans-sinhala-sinhala-400-normal-x1.woff2",' +
        'BASE + "assets/noto-sans-tamil-tamil-700-normal-x2.woff2"]',
    )
    // The same build gets the same cache name whatever the path, with the path in it at run time.
    const absoluteCache = JSON.parse(line(workerOf('/demo/', BUNDLE), 'CACHE')) as string
    const version = absoluteCache.split(':').at(-1)
    expect(line(source, 'CACHE')).toBe(`"consent-sync-shell:" + BASE + ":${version}"`)
  })

  it('gives a new build (other file names) a new cache', () => {
    const cache = (files: readonly string[]) => line(workerOf('/csr/', files), 'CACHE')
    expect(cache(BUNDLE)).not.toBe(cache(['index.html', 'assets/index-xyz.js']))
  })
})
