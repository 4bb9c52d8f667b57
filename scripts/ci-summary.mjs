// Sums the JSON reports every workspace's vitest run wrote into one line: "N passed, N failed[, N skipped]".
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const workspaces = ['packages', 'apps'].flatMap((dir) =>
  existsSync(path.join(root, dir))
    ? readdirSync(path.join(root, dir)).map((name) => path.join(root, dir, name))
    : [],
)
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
