/**
 * hwctl's per-user state directory ($XDG_STATE_HOME/hwctl, else ~/.local/state/hwctl): the pinned
 * certificates (known_bmcs), the last run's failed nodes (@failed), the audit log. Light: no BMC code.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  // XDG: a relative $XDG_STATE_HOME is invalid and ignored.
  const base =
    env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/')
      ? env.XDG_STATE_HOME
      : join(homedir(), '.local', 'state');
  return join(base, 'hwctl');
}

/**
 * Replace `file` with `text` at once: written to a temporary file beside it, then renamed over it, so a
 * reader never sees half a file. Callers that may race with another run hold the file's lock
 * (src/bmc/file-lock.ts). The directory is created (0700) when missing.
 */
export function writeFileAtomic(file: string, text: string, mode = 0o600): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, file);
}
