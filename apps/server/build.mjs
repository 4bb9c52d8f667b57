// Builds the server to JavaScript (dist/): the CLI and the SQLite writer thread, with the
// workspace packages (TypeScript sources) bundled in and every npm dependency left to node_modules.
// `npm start`, the CLI bin and the benchmark run this; tests run the sources.
import { build } from 'esbuild'

const external = {
  name: 'external-dependencies',
  setup(b) {
    b.onResolve({ filter: /^[^./#]/ }, (args) =>
      args.path.startsWith('@consent-sync/') ? undefined : { path: args.path, external: true },
    )
  },
}

await build({
  entryPoints: { cli: 'src/cli.ts', 'sqlite-writer.worker': 'src/store/sqlite-writer.worker.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  // Chunks, so what is loaded only when asked for (PostgreSQL, Redis) is not read at every start.
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  plugins: [external],
  logLevel: 'warning',
})
