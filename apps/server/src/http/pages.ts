import { existsSync } from 'node:fs'
import path from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../config'

/** The built web apps served on the API's port (DESIGN.md §5b). */
export const PAGES = [
  { prefix: '/customer/', app: 'customer-web', title: 'Customer dashboard' },
  { prefix: '/csr/', app: 'csr-web', title: 'CSR dashboard' },
  { prefix: '/demo/', app: 'demo', title: 'Offline demo (no server needed)' },
] as const

export interface PageStatus {
  prefix: string
  title: string
  /** The `dist` folder, when it exists. */
  dir: string | undefined
}

export function pageStatuses(webRoot: string): PageStatus[] {
  return PAGES.map((p) => {
    const dir = path.join(webRoot, 'apps', p.app, 'dist')
    return { prefix: p.prefix, title: p.title, dir: existsSync(dir) ? dir : undefined }
  })
}

/** The style of `/` and the not-built pages, as a file: the CSP allows no inline styles. */
const INDEX_CSS =
  'body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}code{color:#555}\n'

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function indexHtml(pages: readonly PageStatus[]): string {
  const items = pages
    .map((p) =>
      p.dir
        ? `<li><a href="${p.prefix}">${escapeHtml(p.title)}</a> <code>${p.prefix}</code></li>`
        : `<li>${escapeHtml(p.title)} <code>${p.prefix}</code>: <strong>not built yet: run npm run build</strong></li>`,
    )
    .join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>consent-sync</title>
<link rel="stylesheet" href="/index.css">
</head><body>
<h1>consent-sync</h1>
<ul>
${items}
<li><a href="/docs">API reference</a> <code>/docs</code></li>
</ul>
<p>Health: <a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a>, <a href="/metrics">/metrics</a></p>
</body></html>
`
}

function notBuiltHtml(page: PageStatus): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(page.title)}: not built yet</title>
<link rel="stylesheet" href="/index.css"></head>
<body>
<h1>${escapeHtml(page.title)}: not built yet</h1>
<p>Run <code>npm run build</code> at the repository root, then restart the server.</p>
<p><a href="/">Back to the index</a></p>
</body></html>
`
}

/** `/` and the built web apps at /customer/, /csr/, /demo/ (or a page saying how to build them). */
export async function registerPages(
  app: FastifyInstance,
  ctx: { config: Pick<Config, 'webRoot'> },
): Promise<void> {
  const pages = pageStatuses(ctx.config.webRoot)
  const html = indexHtml(pages)
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(html),
  )
  app.get('/index.css', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').send(INDEX_CSS),
  )

  for (const page of pages) {
    const bare = page.prefix.slice(0, -1)
    app.get(bare, { schema: { hide: true } }, async (_request, reply) => reply.redirect(page.prefix))
    if (page.dir) {
      // Each in its own scope: @fastify/static may be registered once per encapsulation context.
      await app.register(async (scope) => {
        await scope.register(fastifyStatic, {
          root: page.dir as string,
          prefix: page.prefix,
          decorateReply: false,
          redirect: false,
          schemaHide: true,
        })
      })
    } else {
      const body = notBuiltHtml(page)
      app.get(`${page.prefix}*`, { schema: { hide: true } }, async (_request, reply) =>
        reply.code(404).type('text/html; charset=utf-8').send(body),
      )
    }
  }
}
