#!/usr/bin/env node
// Runs the built CLI (dist/, `npm run build`), or the TypeScript sources through tsx when there is
// no build or a source file is newer than it, so a stale build never runs.
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'

const root = path.join(import.meta.dirname, '..')
const built = path.join(root, 'dist', 'cli.mjs')

function newestSource(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestSource(file) : statSync(file).mtimeMs)
  }
  return newest
}

function fresh() {
  try {
    return statSync(built).mtimeMs >= newestSource(path.join(root, 'src'))
  } catch {
    return false
  }
}

if (fresh()) {
  await import(built)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../src/cli.ts')
}
