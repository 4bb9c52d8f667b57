import '@consent-sync/ui/styles.css'
import './demo.css'
import './offline-switch.css'
import { registerOfflineShell } from '@consent-sync/offline-shell'
import { createRoot } from 'react-dom/client'
import { App } from './App'

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root')
// No StrictMode: its double mount would open, close and reopen the three IndexedDB copies.
createRoot(root).render(<App />)
registerOfflineShell()
