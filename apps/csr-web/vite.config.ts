import { offlineShell } from '@consent-sync/ui/offline-shell'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

export default defineConfig({
  base: '/csr/',
  plugins: [react(), offlineShell()],
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3001',
      '/sync': { target: 'ws://127.0.0.1:3001', ws: true },
    },
  },
})
