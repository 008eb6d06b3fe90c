/**
 * rflash: firmware list, check, upload, activation, deletion and the `-d` directory update, as xCAT's
 * (reference §1.10, §2.9), for a fleet: bounded (--deadline), resumable (a state file per node, --status),
 * one upload stream per BMC with its own limit (--upload-fanout), and a lock per node.
 *
 * This module holds the arguments (xCAT's forms and messages), the executor interface, the result and
 * its view, and the engine request; the per-node flows are in firmware-flow.ts.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HwctlUsageError } from '../core/errors.js';
import type { NodeDef } from '../core/types.js';
import type { Executor, NodeContext } from '../engine/executor.js';
import type { RunRequest } from '../engine/run.js';
import type { ResultView } from '../output/view.js';
import type { UploadBody } from '../bmc/http.js';
import { runFlash } from './firmware-flow.js';
import { describeLocalImage, type FirmwareImageSource, type LocalImage } from './firmware-image.js';

// ------------------------------------------------------------------------------------------- executor

export interface FirmwareEntry {
  id: string;
  /** `BMC`, `Host`, or what the BMC says for other components. */
  purpose: string;
  version: string;
  /** phosphor's Activation words: Active, Ready, Activating, Failed, Invalid (Redfish states mapped). */
  activation: string;
  /** Running now. */
  functional: boolean;
  /** Will run after the next restart of its component (priority 0 / staged), not running yet. */
  pending: boolean;
  progress?: number;
  /** Where the BMC keeps the entry (Redfish: its FirmwareInventory member), for the calls that act on it. */
  path?: string;
}

/** What was started on the BMC: the image id and/or the task monitor to follow. */
export interface FlashStarted {
  id?: string;
  monitor?: string;
  version?: string;
  purpose?: 'BMC' | 'Host';
}

/** One look at a started flash. */
export interface FlashPoll {
  state: string;
  percent?: number;
  done: boolean;
  /** Why it failed (done is true). */
  failed?: string;
  /** The image id, once the BMC names it. */
  id?: string;
}

export interface UploadArgs {
  image: FirmwareImageSource;
  /** Also activate (Redfish: apply time Immediate; OpenBMC: the upload only, the manager activates). */
  activate: boolean;
  timeoutMs: number;
  onProgress?: UploadBody['onProgress'];
}

export interface FirmwareExecutor extends Executor {
  listFirmware(args: undefined, ctx: NodeContext): Promise<FirmwareEntry[]>;
  /** Send the image (streamed). Redfish with activate: the update starts (a task); OpenBMC: stored. */
  uploadImage(args: UploadArgs, ctx: NodeContext): Promise<FlashStarted>;
  /**
   * Start activating an image already on the BMC. `apply`: the image applies when that component
   * restarts, and nothing has restarted it yet: the flow does, as rpower does (Redfish: staged images).
   * `entry`: the image as listed just before (the flow checked the id against it), so it is not listed again.
   */
  activateImage(
    args: { id: string; entry?: FirmwareEntry },
    ctx: NodeContext,
  ): Promise<FlashStarted & { apply?: 'BMC' | 'Host' }>;
  /** One poll of a started flash (a task monitor, or the image's activation). */
  pollFlash(args: { target: FlashStarted }, ctx: NodeContext): Promise<FlashPoll>;
  deleteImage(args: { id: string; entry?: FirmwareEntry }, ctx: NodeContext): Promise<void>;
}

// ------------------------------------------------------------------------------------------- arguments

export type FlashOp =
  'list' | 'check' | 'upload' | 'activate' | 'activate-id' | 'delete' | 'directory' | 'status';

export interface FlashArgs {
  op: FlashOp;
  image?: FirmwareImageSource;
  /** `-d DIR`: the BMC and Host images found there. */
  bmcImage?: LocalImage;
  hostImage?: LocalImage;
  id?: string;
  hostReboot: boolean;
  /** Absolute deadline of the whole run (epoch ms). */
  deadlineAt: number;
  deadlineMs: number;
  uploadFanout: number;
  /** Between polls of a task or an activation. */
  pollMs: number;
  /** The option as typed, for records (`-a`, `-u`, ...). */
  flag: string;
}

export const DEFAULT_DEADLINE_S = 3600;
export const DEFAULT_UPLOAD_FANOUT = 4;
export const DEFAULT_POLL_MS = 2000;

export interface FlashParseInput {
  words: readonly string[];
  list?: boolean;
  check?: boolean;
  upload?: boolean;
  activate?: boolean;
  delete?: boolean;
  directory?: boolean;
  hostReboot?: boolean;
  status?: boolean;
  deadline?: number;
  uploadFanout?: number;
  pollInterval?: number;
  now?: number;
}

function usage(m: string): never {
  throw new HwctlUsageError(m);
}

const isUrl = (w: string) => /^(https?|ftp|sftp|scp|tftp|nfs|cifs):\/\//i.test(w);

/** xCAT's argument forms and messages; reads and describes the image files (before any BMC). */
export async function parseFlashArgs(i: FlashParseInput): Promise<FlashArgs> {
  const flags: Array<[string, boolean | undefined]> = [
    ['-l', i.list],
    ['-c', i.check],
    ['-u', i.upload],
    ['-a', i.activate],
    ['--delete', i.delete],
    ['-d', i.directory],
    ['--status', i.status],
  ];
  const given = flags.filter(([, v]) => v).map(([f]) => f);
  if (given.length > 1) usage(`Multiple options are not supported. Options specified: ${given.join(' ')}`);
  if (i.hostReboot === false && !i.directory)
    usage('--no-host-reboot goes with -d (the directory update restarts the host at its end)');
  const words = i.words.map(String);
  const deadlineMs = Math.round((i.deadline ?? DEFAULT_DEADLINE_S) * 1000);
  const base = {
    hostReboot: i.hostReboot !== false,
    deadlineMs,
    deadlineAt: (i.now ?? Date.now()) + deadlineMs,
    uploadFanout: i.uploadFanout ?? DEFAULT_UPLOAD_FANOUT,
    pollMs: i.pollInterval !== undefined ? Math.round(i.pollInterval * 1000) : DEFAULT_POLL_MS,
  };
  const flag = given[0];
  if (flag === undefined) {
    if (words.length === 0)
      usage(
        'No option specified for rflash: use -l, -c, -u FILE, -a FILE|ID, --delete ID, -d DIR or --status',
      );
    usage(`Invalid option specified when a file is provided: none (use -c, -a or -u with ${words[0]})`);
  }
  if (flag === '-l' || flag === '--status') {
    if (words.length > 0) usage(`Invalid option specified with ${flag}: ${words.join(' ')}`);
    return { op: flag === '-l' ? 'list' : 'status', flag, ...base };
  }
  if (flag === '-d') {
    if (words.length !== 1)
      usage(
        words.length === 0
          ? 'No directory specified with -d'
          : 'More than one directory specified is not supported.',
      );
    const dir = words[0]!;
    let entries: string[];
    try {
      if (!statSync(dir).isDirectory())
        usage(`Invalid firmware specified with -d: ${dir} is not a directory`);
      entries = readdirSync(dir).sort();
    } catch (e) {
      if (e instanceof HwctlUsageError) throw e;
      usage(`Cannot access ${dir}. Check the management node and/or service nodes.`);
    }
    const tars = await Promise.all(
      entries.filter((f) => f.endsWith('.tar')).map((f) => describeLocalImage(join(dir, f), '-d')),
    );
    const bmc = tars.filter((t) => t.purpose === 'BMC');
    const host = tars.filter((t) => t.purpose === 'Host');
    if (bmc.length === 0) usage(`No BMC tar file found in ${dir}`);
    if (host.length === 0) usage(`No Host tar file found in ${dir}`);
    if (bmc.length > 1 || host.length > 1)
      usage(
        `More than one firmware specified is not supported. (${dir}: ${[...bmc, ...host].map((t) => t.name).join(', ')})`,
      );
    return { op: 'directory', flag, bmcImage: bmc[0]!, hostImage: host[0]!, ...base };
  }
  if (words.length > 1) usage('More than one firmware specified is not supported.');
  const word = words[0];
  if (flag === '-c') {
    if (word === undefined) return { op: 'check', flag, ...base };
    return { op: 'check', flag, image: await describeLocalImage(word, '-c'), ...base };
  }
  if (word === undefined) usage(`Invalid firmware specified with ${flag}`);
  const hexId = /^[0-9a-f]+$/i.test(word) && !word.includes('.') && !word.includes('/');
  if (flag === '--delete') {
    if (!hexId) usage(`Invalid firmware specified with --delete`);
    return { op: 'delete', flag, id: word, ...base };
  }
  if (flag === '-a' && hexId) return { op: 'activate-id', flag, id: word, ...base };
  const image: FirmwareImageSource = isUrl(word)
    ? { kind: 'url', url: word, name: decodeURIComponent(new URL(word).pathname.split('/').pop() || word) }
    : await describeLocalImage(word, flag);
  return { op: flag === '-a' ? 'activate' : 'upload', flag, image, ...base };
}

// ------------------------------------------------------------------------------------------- results

export interface FlashResult {
  op: FlashOp;
  lines: string[];
  firmware?: FirmwareEntry[];
  /** What was flashed and how it ended (activation ops). */
  targets?: Array<{ id?: string; version?: string; purpose?: string; state?: string; percent?: number }>;
  /** Whether this node's firmware changed or is changing (for the summary). */
  changed?: boolean;
}

export const flashView: ResultView<FlashResult> = {
  text: (r) => r.lines,
  columns: [
    { header: 'OP', value: (r) => r.op },
    {
      header: 'RESULT',
      value: (r) => r.lines.filter((l) => !/^(ID {2}|-{10})/.test(l) && l !== '').join('; '),
    },
  ],
  json: (r) => {
    const o: Record<string, unknown> = { op: r.op, message: r.lines.join('\n') };
    if (r.firmware) o.firmware = r.firmware;
    if (r.targets) o.targets = r.targets;
    return o;
  },
};

export function flashEffect(a: FlashArgs): 'change' | 'destructive' | undefined {
  if (a.op === 'list' || a.op === 'check' || a.op === 'status') return undefined;
  // Activation restarts BMCs or hosts: fleet-wide it needs --yes above --max-nodes (src/cli/safety.ts).
  if (a.op === 'activate' || a.op === 'activate-id' || a.op === 'directory' || a.op === 'delete')
    return 'destructive';
  return 'change';
}

/** Per-node engine deadline: the run's deadline plus room for the cleanups (the flow enforces the deadline). */
export function flashTimeoutMs(a: FlashArgs): number {
  return a.op === 'list' || a.op === 'check' ? 120_000 : a.deadlineMs + 30_000;
}

export function flashRequest(nodes: readonly NodeDef[], args: FlashArgs): RunRequest<FlashArgs, FlashResult> {
  return {
    capability: 'firmware',
    op: `rflash-${args.op}`,
    args,
    nodes,
    perNode: (executor, ctx) => runFlash(executor, args, ctx),
  };
}
