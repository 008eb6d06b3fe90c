/**
 * The last run's failed nodes, for `@failed` in a noderange and for `--failed-to FILE`.
 *
 * Every node command records the nodes that failed (interrupted ones included) in the state directory
 * (`last_failed`, beside `known_bmcs`), replacing the previous run's: `rpower all on`, then
 * `rpower @failed on` retries what did not work, and a retry that fails nowhere leaves `@failed` empty.
 * Written under the file's lock and through a rename, so two runs finishing together leave one whole list.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NoderangeError } from '../core/errors.js';
import { stateDir, writeFileAtomic } from '../core/state.js';
import type { NodeOutcome } from '../core/types.js';
import { compareNodeNames } from '../noderange/natural.js';

export function lastFailedPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'last_failed');
}

/** The failed nodes of a run's outcomes, in natural order. */
export function failedNodes(outcomes: readonly NodeOutcome[]): string[] {
  return outcomes
    .filter((o) => !o.ok)
    .map((o) => o.node)
    .sort(compareNodeNames);
}

/** The names of `@failed`: the nodes listed in `file` (`#` lines are comments). */
export function readFailed(file = lastFailedPath()): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new NoderangeError(`@failed: no run has recorded its failed nodes yet (${file})`);
    throw new NoderangeError(`@failed: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

/** Record `nodes` as the last run's failed nodes (`command` goes in a comment line). */
export async function saveFailed(
  nodes: readonly string[],
  command: string,
  file = lastFailedPath(),
): Promise<void> {
  const { withFileLock } = await import('../bmc/file-lock.js');
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const header = `# hwctl: the nodes that failed in: ${command.replace(/\s+/g, ' ')} (${new Date().toISOString()})\n`;
  await withFileLock(file, () => writeFileAtomic(file, header + nodes.map((n) => `${n}\n`).join('')));
}

/** `--failed-to FILE`: the failed nodes, one per line (an empty file when none failed). */
export function writeFailedTo(file: string, nodes: readonly string[]): void {
  writeFileAtomic(file, nodes.map((n) => `${n}\n`).join(''), 0o644);
}
