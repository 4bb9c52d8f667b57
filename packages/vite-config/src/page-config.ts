import { offlineShell } from '@consent-sync/offline-shell'
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin, type UserConfig } from 'vite'
import { pageHtml } from './page-html'

export interface PageOptions {
  /** Where the page is served (`/customer/`), or `./` for a build that opens from any path (the demo). */
  base: string
  title: string
  noscript?: string
  /** `vite` (dev) proxies `/api` and `/sync` to the API server at this address (`http://127.0.0.1:3001`). */
  devServer?: string
}

/** Writes the page's HTML (index.html holds only a pointer here), before Vite reads its scripts. */
function pageHtmlPlugin(options: PageOptions): Plugin {
  const entry = options.base.startsWith('/') ? '/src/main.tsx' : './src/main.tsx'
  const html = pageHtml({
    title: options.title,
    entry,
    ...(options.noscript ? { noscript: options.noscript } : {}),
  })
  return {
    name: 'consent-sync:page-html',
    transformIndexHtml: { order: 'pre', handler: () => html },
  }
}

/** The Vite config of a page: React, its HTML, the offline shell (sw.js), and the dev proxy. */
export function pageConfig(options: PageOptions): UserConfig {
  const { devServer } = options
  return defineConfig({
    base: options.base,
    plugins: [react(), pageHtmlPlugin(options), offlineShell()],
    ...(devServer
      ? {
          server: {
            proxy: {
              '/api': devServer,
              '/sync': { target: devServer.replace(/^http/, 'ws'), ws: true },
            },
          },
        }
      : {}),
  })
}
