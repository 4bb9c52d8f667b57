import { describe, expect, it } from 'vitest'
import { pageHtml } from './page-html'

describe('pageHtml', () => {
  it('writes the shared head, the title and the entry script, with a noscript text only when given', () => {
    const html = pageHtml({ title: 'Consent desk: CSR dashboard', entry: '/src/main.tsx' })
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">\n {2}<head>\n {4}<meta charset="utf-8" \/>/)
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1" />')
    expect(html).toContain('<title>Consent desk: CSR dashboard</title>')
    expect(html).toContain('<script type="module" src="/src/main.tsx"></script>')
    expect(html).not.toContain('<noscript>')
    const withFallback = pageHtml({ title: 't', noscript: 'Needs JavaScript.', entry: './src/main.tsx' })
    expect(withFallback).toContain('<div id="root"></div>\n    <noscript>Needs JavaScript.</noscript>\n')
  })

  it('escapes the texts it is given', () => {
    expect(pageHtml({ title: 'a <b> & "c"', entry: '/x' })).toContain(
      '<title>a &lt;b&gt; &amp; &quot;c&quot;</title>',
    )
  })
})
