// Sums the JSON reports every workspace's vitest run wrote into one line: "N passed, N failed[, N skipped]".
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
// The workspaces of the root package.json: `dir/*` globs and plain folders.
const globs = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).workspaces ?? []
const workspaces = globs.flatMap((glob) => {
  if (!glob.endsWith('/*')) return [path.join(root, glob)]
  const dir = path.join(root, glob.slice(0, -2))
  return existsSync(dir) ? readdirSync(dir).map((name) => path.join(dir, name)) : []
})
let passed = 0
let failed = 0
let skipped = 0
let missing = 0
for (const ws of workspaces) {
  const pkg = path.join(ws, 'package.json')
  if (!existsSync(pkg) || !JSON.parse(readFileSync(pkg, 'utf8')).scripts?.test) continue
  const report = path.join(ws, 'test-results.json')
  if (!existsSync(report)) {
    console.error(`no test report from ${path.relative(root, ws)}: its test run did not finish`)
    missing++
    continue
  }
  const r = JSON.parse(readFileSync(report, 'utf8'))
  passed += r.numPassedTests ?? 0
  failed += r.numFailedTests ?? 0
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
  // A suite that failed to load counts its file as one failure.
  failed += (r.testResults ?? []).filter(
    (t) => t.status === 'failed' && (t.assertionResults ?? []).length === 0,
  ).length
}
failed += missing
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed > 0 ? 1 : 0)
