import '@consent-sync/ui/styles.css'
import './customer.css'
import { registerOfflineShell } from '@consent-sync/offline-shell'
import { ToastProvider } from '@consent-sync/ui'
import { createRoot } from 'react-dom/client'
import { App } from './App'

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root')
// No StrictMode: its double mount would open, close and reopen the IndexedDB copy and the socket.
createRoot(root).render(
  <ToastProvider>
    <App />
  </ToastProvider>,
)
registerOfflineShell()
