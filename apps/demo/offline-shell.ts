import { offlineShell } from '@consent-sync/ui/offline-shell'
import type { Plugin } from 'vite'

const PLACEHOLDER = '/__consent_sync_demo_base__/'

/**
 * ui's `offlineShell()` for a page built with a relative base (`./`): ui's worker compares paths
 * with a fixed absolute base, so it is generated for a placeholder, which is then replaced by the
 * worker's own directory at run time (the demo may be served from any path, e.g. /demo/).
 */
export function relativeOfflineShell(): Plugin {
  const inner = offlineShell()
  return {
    name: 'consent-sync-demo:relative-offline-shell',
    apply: 'build',
    configResolved() {
      inner.configResolved({ base: PLACEHOLDER })
    },
    generateBundle(options, bundle) {
      const emit = (file: { type: 'asset'; fileName: string; source: string }) =>
        this.emitFile({ ...file, source: relativize(file.source) })
      inner.generateBundle.call({ emitFile: emit }, options, bundle)
    },
  }
}

function relativize(source: string): string {
  const out = source
    .replace(`App-shell cache for ${PLACEHOLDER}.`, "App-shell cache for the worker's own directory.")
    .replace(
      `const BASE = ${JSON.stringify(PLACEHOLDER)}`,
      "const BASE = new URL('./', self.location.href).pathname",
    )
    .replaceAll(`"${PLACEHOLDER}`, 'BASE + "')
    .replaceAll(PLACEHOLDER, '" + BASE + "')
  if (out.includes(PLACEHOLDER) || !out.includes("new URL('./', self.location.href)"))
    throw new Error('offline shell: the worker source changed shape; update apps/demo/offline-shell.ts')
  return out
}
