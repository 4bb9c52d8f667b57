import { pageConfig } from '@consent-sync/vite-config'

// Served by the API server at /csr/; `npm run dev` proxies to it.
export default pageConfig({
  base: '/csr/',
  title: 'Consent desk: CSR dashboard',
  devServer: 'http://127.0.0.1:3001',
})
