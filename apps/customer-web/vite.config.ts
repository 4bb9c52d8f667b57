import { pageConfig } from '@consent-sync/vite-config'

// Served by the API server at /customer/ (apps/server/src/http/pages.ts); `npm run dev` proxies to it.
export default pageConfig({
  base: '/customer/',
  title: 'Your privacy choices',
  noscript: 'This page needs JavaScript to show and change your privacy choices.',
  devServer: 'http://127.0.0.1:3001',
})
