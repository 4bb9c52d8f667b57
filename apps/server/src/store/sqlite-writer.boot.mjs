// Runs the writer thread from its TypeScript source (development, tests): tsx first, then the entry.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
await import(workerData.entry)
