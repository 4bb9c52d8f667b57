/** What differs between the pages' HTML; the rest (charset, viewport, colour, no favicon request) is shared. */
export interface PageHtml {
  /** The document title until the app sets its own. */
  title: string
  /** What a browser without JavaScript shows instead of the app. */
  noscript?: string
  /** The module script, as index.html would name it (`/src/main.tsx`). */
  entry: string
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
}

/**
 * The page's index.html before Vite processes it (Vite then bundles `entry` and moves its tags into
 * the head). `<html lang="en">`: the English the page starts in; the customer's page changes it.
 */
export function pageHtml({ title, noscript, entry }: PageHtml): string {
  const fallback = noscript ? `    <noscript>${escapeHtml(noscript)}</noscript>\n` : ''
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="theme-color" content="#1d4ed8" />
    <link rel="icon" href="data:," />
    <title>${escapeHtml(title)}</title>
  </head>
  <body>
    <div id="root"></div>
${fallback}    <script type="module" src="${escapeHtml(entry)}"></script>
  </body>
</html>
`
}
