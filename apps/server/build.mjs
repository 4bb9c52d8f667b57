// Builds the server to JavaScript (dist/): the CLI and the SQLite writer thread, with the workspace
// packages and the npm dependencies bundled in, so a start reads a few files instead of resolving
// and compiling some seven hundred modules one by one. `npm start`, the CLI bin and the benchmark
// run this; tests run the sources.
import { build } from 'esbuild'

/**
 * Left to node_modules: native code (better-sqlite3), what is loaded only when configured
 * (PostgreSQL, Redis, tsx for a stale build), and packages that read files next to their own code
 * at run time (the API reference's pages and its package.json, pino's worker threads), and the
 * static file server the API reference loads too, so one copy of it loads.
 */
const EXTERNAL = new Set([
  'better-sqlite3',
  'pg',
  'ioredis',
  'tsx',
  '@fastify/swagger-ui',
  '@fastify/swagger',
  'pino',
  '@fastify/static',
])

const packageName = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/')

const external = {
  name: 'external-dependencies',
  setup(b) {
    b.onResolve({ filter: /^[^./#]/ }, (args) =>
      EXTERNAL.has(packageName(args.path)) ? { path: args.path, external: true } : undefined,
    )
  },
}

await build({
  entryPoints: { cli: 'src/cli.ts', 'sqlite-writer.worker': 'src/store/sqlite-writer.worker.ts' },
  // BUILD_OUTDIR: elsewhere beside dist/ (the build's own test), at the same depth.
  outdir: process.env.BUILD_OUTDIR ?? 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  // Chunks, so what is loaded only when asked for (PostgreSQL, Redis) is not read at every start.
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  plugins: [external],
  // The bundled CommonJS packages call require() for Node's modules and their own externals.
  banner: {
    js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
  },
  logLevel: 'warning',
})
