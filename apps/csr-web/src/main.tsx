import { registerOfflineShell } from '@consent-sync/offline-shell'
import { ToastProvider } from '@consent-sync/ui'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import '@consent-sync/ui/styles.css'
import './csr.css'
import './search.css'
import './feed.css'
import './accounts.css'

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root')
createRoot(root).render(
  <StrictMode>
    <ToastProvider>
      <App />
    </ToastProvider>
  </StrictMode>,
)
registerOfflineShell()
