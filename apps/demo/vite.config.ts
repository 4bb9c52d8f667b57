import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import { relativeOfflineShell } from './offline-shell'

// Relative base: dist/ opens from any static path (the server serves it at /demo/, `npm run demo` at /).
export default defineConfig({
  base: './',
  plugins: [react(), relativeOfflineShell()],
})
