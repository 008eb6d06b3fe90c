import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'hwctl');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run the real executable (built dist/) in a child process: `node <bin>` by default, or with `direct` the
 * bin itself, as an installed command runs (through its `#!/bin/sh` line).
 */
export function runCli(
  args: string[],
  opts: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    input?: string;
    nodeArgs?: string[];
    bin?: string;
    direct?: boolean;
    /** Kill the child (SIGKILL) if it has not ended by then: a hang fails its test instead of the run. */
    timeoutMs?: number;
  } = {},
): Promise<CliRun> {
  const bin = opts.bin ?? BIN;
  const [file, argv] = opts.direct
    ? [bin, args]
    : [process.execPath, [...(opts.nodeArgs ?? []), bin, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', HWCTL_INVENTORY: '', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/**
 * The sources a traced run loaded: the bundle keeps esbuild's `// src/...` and `// node_modules/...`
 * markers before each module, so the loaded files tell which sources they hold.
 */
export function loadedSources(trace: string): string[] {
  const prefix = `file://${ROOT}/`;
  const files = [...new Set(trace.split('\n').filter((u) => u.startsWith(prefix)))];
  return files.flatMap((u) => {
    const text = readFileSync(u.slice('file://'.length), 'utf8');
    return [...text.matchAll(/^\/\/ ((?:src|node_modules)\/\S+)$/gm)].map((m) => m[1]!);
  });
}
/** Sources `--help`/`--version` must not load: BMC, simulator, engine, managers, executors and their packages. */
export const HEAVY =
  /^(src\/(bmc|engine|managers|executors|inventory|noderange)\/|src\/sim\/(?!cli-options\.ts$|types\.ts$)|node_modules\/(got|p-map|@peculiar|cli-table3|yaml)\/)/;
