/**
 * The audit log: every action sent to a node (commands whose spec has an `effect`), one JSON line per
 * node: who, when, from where, the command, the node, the result. In the state directory
 * (`audit.log`, beside known_bmcs), appended once per run under the file's lock, and rotated past
 * MAX_AUDIT_BYTES (audit.log.1 … .3), so it stays bounded: at most four files of 10 MiB.
 *
 * It never holds a secret: passwords are never in argv (so not in the command), and error messages are
 * the ones printed, which the BMC layer has already redacted. Messages and results are cut to a bound.
 */
import { appendFileSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { stateDir } from '../core/state.js';
import { clip } from '../core/text.js';
import type { NodeResult } from '../core/types.js';
import type { ResultView } from '../output/view.js';
import type { Effect } from './safety.js';

export const MAX_AUDIT_BYTES = 10 * 2 ** 20;
/** Rotated files kept beside the live one. */
export const AUDIT_GENERATIONS = 3;

export function auditPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'audit.log');
}

function who(): { user: string; sudoUser?: string } {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? `uid ${process.getuid?.() ?? '?'}`;
  }
  return process.env.SUDO_USER ? { user, sudoUser: process.env.SUDO_USER } : { user };
}

export class AuditLog<R> {
  private readonly lines: string[] = [];
  private readonly base: Record<string, unknown>;

  constructor(
    command: string,
    effect: Effect,
    private readonly view: ResultView<R>,
    private readonly file = auditPath(),
    private readonly maxBytes = MAX_AUDIT_BYTES,
  ) {
    this.base = { ...who(), host: hostname(), pid: process.pid, command: clip(command, 500), effect };
  }

  /** One node's result (called as results arrive; only the line is kept, not the value). */
  add(r: NodeResult): void {
    const outcome = r.ok
      ? { ok: true, result: clip(this.view.text(r.value as R).join('; '), 300) }
      : { ok: false, error: { kind: r.error.kind, message: clip(r.error.message, 500) } };
    this.lines.push(
      JSON.stringify({
        time: new Date().toISOString(),
        ...this.base,
        node: r.node,
        ...outcome,
        elapsedMs: r.elapsedMs,
      }),
    );
  }

  /** Append the run's lines (rotating first when the log would pass its bound). */
  async flush(): Promise<void> {
    if (this.lines.length === 0) return;
    const text = this.lines.join('\n') + '\n';
    this.lines.length = 0;
    const { withFileLock } = await import('../bmc/file-lock.js');
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    await withFileLock(this.file, () => {
      const size = existsSync(this.file) ? statSync(this.file).size : 0;
      if (size > 0 && size + Buffer.byteLength(text) > this.maxBytes) rotate(this.file);
      appendFileSync(this.file, text, { mode: 0o600 });
    });
  }
}

/** audit.log → audit.log.1 → … → audit.log.N (the oldest is dropped). Called holding the lock. */
function rotate(file: string): void {
  for (let i = AUDIT_GENERATIONS - 1; i >= 1; i--) {
    if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`);
  }
  renameSync(file, `${file}.1`);
}
