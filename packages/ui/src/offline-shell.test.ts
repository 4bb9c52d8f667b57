import { describe, expect, it } from 'vitest'
import { offlineShell } from './offline-shell'

/** Runs the plugin on a bundle of these file names; answers the worker's precache list. */
function precacheOf(fileNames: readonly string[]): string[] {
  const plugin = offlineShell()
  plugin.configResolved({ base: '/customer/' })
  let source = ''
  const bundle = Object.fromEntries(fileNames.map((fileName) => [fileName, { fileName }]))
  plugin.generateBundle.call(
    {
      emitFile(file) {
        source = file.source
        return file.fileName
      },
    },
    {},
    bundle,
  )
  const list = /const PRECACHE = (.*)\n/.exec(source)?.[1]
  if (!list) throw new Error('no PRECACHE line in the worker')
  return JSON.parse(list) as string[]
}

describe('offlineShell', () => {
  it('precaches every built asset, the fonts included, so Sinhala and Tamil render offline', () => {
    const precache = precacheOf([
      'index.html',
      'assets/index-abc.js',
      'assets/index-abc.js.map',
      'assets/index-def.css',
      'assets/noto-sans-sinhala-sinhala-400-normal-x1.woff2',
      'assets/noto-sans-tamil-tamil-700-normal-x2.woff2',
    ])
    expect(precache).toEqual([
      '/customer/assets/index-abc.js',
      '/customer/assets/index-def.css',
      '/customer/assets/noto-sans-sinhala-sinhala-400-normal-x1.woff2',
      '/customer/assets/noto-sans-tamil-tamil-700-normal-x2.woff2',
    ])
  })
})
