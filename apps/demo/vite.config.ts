import { pageConfig } from '@consent-sync/vite-config'

// Relative base: dist/ opens from any static path (the server serves it at /demo/, `npm run demo` at /).
export default pageConfig({
  base: './',
  title: 'consent-sync · offline demo',
  noscript: 'This demo runs in your browser and needs JavaScript.',
})
