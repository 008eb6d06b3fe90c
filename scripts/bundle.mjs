#!/usr/bin/env node
// Bundle the CLI for start-up speed: one ES module for the entry (yargs and the command definitions),
// and one chunk per dynamically imported part (managers, executors, BMC layer, simulator), so a command
// still loads only what it runs. Measured in docs/performance.md: resolving ~110 separate module files
// was a third of `hwctl --version`'s time.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const outdir = join(root, 'dist/bundle');
// Chunk names carry a content hash: without a clean slate every rebuild leaves the previous chunks
// behind (a working tree had gathered ~380 of them), and they would ship in a package.
rmSync(outdir, { recursive: true, force: true });

await build({
  entryPoints: [join(root, 'src/cli/main.ts')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  define: { __HWCTL_VERSION__: JSON.stringify(version) },
  // CommonJS dependencies (cli-table3, yargs' helpers) call require(): give the ESM bundle one.
  banner: {
    js: "import { createRequire as __hwctlCreateRequire } from 'node:module'; const require = __hwctlCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
