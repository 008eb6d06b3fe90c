/**
 * rflash's records on disk, under the state directory's `rflash/` (docs/commands/rflash.md):
 *
 *   <node>.json   the node's flash: what was sent, the task monitor (Redfish) or image id (OpenBMC) to
 *                 follow, the last state and percent seen. Replaced atomically at every change, so a run
 *                 killed at any point leaves the last state; `rflash NODERANGE --status` resumes from it.
 *   <node>.log    the node's log, one timestamped line per step, appended (xCAT keeps
 *                 /var/log/xcat/rflash/<node>.log).
 *   <node>.lock   held while a process flashes the node: `<pid> <host>` (bmc/file-lock.ts). A second rflash is
 *                 refused; a lock whose process died on this host is taken over.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeError } from '../core/errors.js';
import { stateDir, writeFileAtomic } from '../core/state.js';
import { holdFileLock } from '../bmc/file-lock.js';

export function flashDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'rflash');
}

/** A node name as a file name (node names are host-like; anything else is replaced). */
function fileBase(node: string): string {
  return node.replace(/[^A-Za-z0-9._-]/g, '_');
}

export type FlashPhase =
  'uploading' | 'uploaded' | 'activating' | 'rebooting-bmc' | 'restarting-host' | 'done' | 'failed';

export interface FlashTarget {
  /** Image id on the BMC (OpenBMC; Redfish inventory id when known). */
  id?: string;
  version?: string;
  purpose?: 'BMC' | 'Host';
  /** Redfish task monitor (or Task) URI to follow. */
  monitor?: string;
  /** Last state seen (TaskState / Activation) and percent. */
  state?: string;
  percent?: number;
}

export interface FlashRecord {
  node: string;
  flavor: string;
  /** The rflash operation (`-a`, `-u`, `-d`...). */
  op: string;
  /** Image file (absolute) or URL, and its sha256 for files. */
  image?: string;
  sha256?: string;
  phase: FlashPhase;
  targets: FlashTarget[];
  started: string;
  updated: string;
  /** Why it failed (with phase `failed`). */
  error?: string;
  pid: number;
}

export function readRecord(node: string, dir = flashDir()): FlashRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(join(dir, `${fileBase(node)}.json`), 'utf8')) as FlashRecord;
    return r && typeof r === 'object' && r.node === node ? r : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One node's record and log. A write failure is warned once and the flash goes on: the BMC's update is
 * what matters, the record only helps resume.
 */
export class FlashJournal {
  record: FlashRecord;
  private warned = false;

  constructor(
    readonly node: string,
    init: Omit<FlashRecord, 'node' | 'started' | 'updated' | 'pid'> & { started?: string },
    private readonly warn: (m: string) => void,
    readonly dir = flashDir(),
  ) {
    const now = new Date().toISOString();
    this.record = { node, started: now, ...init, updated: now, pid: process.pid };
  }

  get logFile(): string {
    return join(this.dir, `${fileBase(this.node)}.log`);
  }

  /** Merge `change` into the record and write it. */
  save(change: Partial<FlashRecord> = {}): void {
    this.record = { ...this.record, ...change, updated: new Date().toISOString(), pid: process.pid };
    this.guard(() =>
      writeFileAtomic(
        join(this.dir, `${fileBase(this.node)}.json`),
        JSON.stringify(this.record, null, 2) + '\n',
      ),
    );
  }

  log(line: string): void {
    this.guard(() => {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      appendFileSync(this.logFile, `${new Date().toISOString()} ${line}\n`, { mode: 0o600 });
    });
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      if (this.warned) return;
      this.warned = true;
      this.warn(
        `rflash: cannot write the state of ${this.node} in ${this.dir} (${(e as NodeJS.ErrnoException).code ?? e}); --status will not be able to resume it`,
      );
    }
  }
}

/**
 * Take the node's flash lock for this process, or throw xCAT's refusal. Returns the release. A lock
 * left by a dead process of this host is taken over; one from another host is honoured (remove it by
 * hand if that host is gone: the message names it).
 */
export function lockNode(node: string, dir = flashDir()): () => void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, fileBase(node));
  const held = holdFileLock(file);
  if ('release' in held) return held.release;
  throw new NodeError(
    'failed',
    `Unable to rflash ${node}. Another process is already flashing this node. (${held.holder}; lock ${file}.lock)`,
  );
}
