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

/**
 * yargs, cliui and wrap-ansi get scripts/lazy-string-width.mjs for `string-width` (why: in that file),
 * which loads yargs' own string-width only for text that is not printable ASCII. cli-table3 keeps its
 * own (a CommonJS version loaded only with table output).
 */
const SHIM = join(root, 'scripts', 'lazy-string-width.mjs');
const YARGS_DIR = join(root, 'node_modules', 'yargs');
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(build) {
    build.onResolve({ filter: /^string-width$/ }, (args) => {
      if (args.pluginData === 'real') return undefined;
      if (args.importer === SHIM) {
        return build.resolve('string-width', { kind: args.kind, resolveDir: YARGS_DIR, pluginData: 'real' });
      }
      if (!/[/\\]node_modules[/\\](yargs|cliui|wrap-ansi)[/\\]/.test(args.importer)) return undefined;
      return { path: SHIM };
    });
  },
};
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
  // ssh2 (rspconfig sshcfg) stays a runtime import: it require()s an optional native binding and
  // cpu-features inside try/catch, which a bundle would turn into missing-module errors.
  external: ['ssh2'],
  plugins: [lazyStringWidth],
  logLevel: 'warning',
});
