/**
 * rspconfig's `dump` and `gard` keys (the 'dump' capability), xCAT's forms (reference §1.9):
 *   dump [-l|--list]     list the BMC dumps: `[<id>] Generated: MM/DD/YYYY HH:MM:SS, Size: <n>`
 *   dump -g|--generate   start a dump and wait (bounded) until it is listed: `[<id>] success`
 *   dump -c|--clear ID|all
 *                        delete one dump or all: `[<id>] clear`
 *   gard -c|--clear      clear the GARD records (OpenBMC only): `GARD cleared`
 *   dump -d|--download ID|all [DIR]
 *                        save dumps to DIR (default: the current directory) as xCAT names them,
 *                        `<YYYYmmdd-HHMM>_<node>_dump_<id>.tar.xz`, streamed to disk (a dump can be
 *                        hundreds of MB; a fleet's worth must not sit in memory): `Downloaded dump <id> to <file>`
 */
import { accessSync, constants, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HwctlUsageError, NodeError } from '../core/errors.js';
import { clip } from '../core/text.js';
import type { RspconfigGroupModule } from '../commands/rspconfig-groups.js';
import type { NodeDef } from '../core/types.js';
import type { Executor, NodeContext } from '../engine/executor.js';
import type { RunRequest } from '../engine/run.js';
import type { ResultView } from '../output/view.js';
import { requireOps } from './executor-ops.js';

export type DumpArgs =
  | { key: 'dump'; op: 'list' }
  | { key: 'dump'; op: 'generate'; waitMs: number; intervalMs: number }
  | { key: 'dump'; op: 'clear'; id: number | 'all' }
  | { key: 'dump'; op: 'download'; id: number | 'all'; dir: string }
  | { key: 'gard'; op: 'clear' };

export interface DumpEntry {
  id: number;
  /** Epoch ms. */
  generated?: number;
  size?: number;
}

export interface DumpExecutor extends Executor {
  listDumps(args: undefined, ctx: NodeContext): Promise<DumpEntry[]>;
  /** Start a dump; returns its id when the BMC says it (OpenBMC), else undefined (the new entry is it). */
  createDump(args: undefined, ctx: NodeContext): Promise<number | undefined>;
  clearDump(args: { id: number | 'all' }, ctx: NodeContext): Promise<void>;
  /** Save dump `id` into `file` (streamed); the bytes written. */
  downloadDump(args: { id: number; file: string }, ctx: NodeContext): Promise<number>;
  clearGard(args: undefined, ctx: NodeContext): Promise<void>;
}

export interface DownloadedDump {
  id: number;
  /** Absolute path of the saved file. */
  file: string;
  bytes: number;
}

export interface DumpResult {
  key: 'dump' | 'gard';
  op: string;
  lines: string[];
  dumps?: DumpEntry[];
  id?: number | 'all';
  files?: DownloadedDump[];
}

export interface DumpParseOptions {
  list?: boolean;
  generate?: boolean;
  /** `-c ID|all` (dump) or `-c` (gard: any value, even empty). */
  clear?: string | boolean;
  download?: string;
  /** `dump -d`: where the files go (default: the current directory). */
  dumpDir?: string;
  /** Upper bound for `dump -g` (xCAT waits 300 s). */
  waitMs?: number;
  intervalMs?: number;
}

export const DEFAULT_DUMP_WAIT_MS = 300_000;
export const DEFAULT_DUMP_TIMEOUT_MS = DEFAULT_DUMP_WAIT_MS + 60_000;

function usage(m: string): never {
  throw new HwctlUsageError(m);
}

/** Words as xCAT takes them (`dump -c 3`), or the options yargs parsed; throws HwctlUsageError. */
export function parseDumpArgs(words: readonly string[], options: DumpParseOptions = {}): DumpArgs {
  const [key, ...rest] = words.map(String);
  const o: DumpParseOptions = { ...options };
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i]!;
    if (w === '-l' || w === '--list') o.list = true;
    else if (w === '-g' || w === '--generate') o.generate = true;
    else if (w === '-c' || w === '--clear')
      o.clear = rest[i + 1]?.startsWith('-') ? true : (rest[++i] ?? true);
    else if (w === '-d' || w === '--download') {
      o.download = rest[i + 1]?.startsWith('-') ? '' : (rest[++i] ?? '');
      if (rest[i + 1] !== undefined && !rest[i + 1]!.startsWith('-')) o.dumpDir = rest[++i];
    } else usage(`Invalid parameter for option ${key}: ${w}`);
  }
  if (key === 'gard') {
    if (o.clear === undefined || o.list || o.generate || o.download !== undefined)
      usage('Clear GARD cannot be issued with other options. (use: gard -c)');
    return { key: 'gard', op: 'clear' };
  }
  if (key !== 'dump') usage(`Unsupported command: rspconfig ${key ?? ''}`);
  const given = [o.list, o.generate, o.clear !== undefined, o.download !== undefined].filter(Boolean).length;
  if (given > 1) usage('dump <opt> must be issued without other options.');
  if (o.download !== undefined) {
    const id = dumpId(o.download, "No dump file ID specified. To download all, specify 'all'.");
    return { key: 'dump', op: 'download', id, dir: writableDir(o.dumpDir ?? '.') };
  }
  if (o.generate)
    return {
      key: 'dump',
      op: 'generate',
      waitMs: o.waitMs ?? DEFAULT_DUMP_WAIT_MS,
      intervalMs: o.intervalMs ?? 2000,
    };
  if (o.clear !== undefined) {
    const id = dumpId(o.clear, "No dump file ID specified. To clear all, specify 'all'.");
    return { key: 'dump', op: 'clear', id };
  }
  return { key: 'dump', op: 'list' };
}

/** `ID` or `all` of -c/-d. */
function dumpId(value: string | boolean, missing: string): number | 'all' {
  if (value === true || value === '') usage(missing);
  if (value === 'all') return 'all';
  if (!/^\d+$/.test(String(value)))
    usage(`Invalid dump ${clip(String(value), 40)} was specified. Use -l option to list.`);
  return Number(value);
}

/** The download directory, checked before any BMC is touched: a dump fetched for nothing is slow. */
function writableDir(dir: string): string {
  const abs = resolve(dir);
  try {
    if (!statSync(abs).isDirectory()) usage(`dump -d: ${dir} is not a directory`);
    accessSync(abs, constants.W_OK);
  } catch (e) {
    if (e instanceof HwctlUsageError) throw e;
    usage(`dump -d: cannot write into ${dir} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return abs;
}

/** xCAT's `MM/DD/YYYY HH:MM:SS` (UTC). */
function xcatTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

export const dumpView: ResultView<DumpResult> = {
  text: (r) => r.lines,
  columns: [
    { header: 'KEY', value: (r) => `${r.key} ${r.op}` },
    { header: 'RESULT', value: (r) => r.lines.join('; ') },
  ],
  json: (r) => {
    const o: Record<string, unknown> = { key: r.key, op: r.op, message: r.lines.join('\n') };
    if (r.dumps) o.dumps = r.dumps;
    if (r.files) o.files = r.files;
    if (r.id !== undefined) o.id = r.id;
    return o;
  },
};

export function dumpRequest(nodes: readonly NodeDef[], args: DumpArgs): RunRequest<DumpArgs, DumpResult> {
  return {
    capability: 'dump',
    op: `${args.key}-${args.op}`,
    args,
    nodes,
    perNode: (executor, ctx) =>
      runDump(
        requireOps<DumpExecutor>(executor, 'dump', [
          'listDumps',
          'createDump',
          'clearDump',
          'downloadDump',
          'clearGard',
        ]),
        args,
        ctx,
      ),
  };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      },
      { once: true },
    );
  });

export async function runDump(ex: DumpExecutor, args: DumpArgs, ctx: NodeContext): Promise<DumpResult> {
  if (args.key === 'gard') {
    await ex.clearGard(undefined, ctx);
    return { key: 'gard', op: 'clear', lines: ['GARD cleared'] };
  }
  switch (args.op) {
    case 'list': {
      const dumps = (await ex.listDumps(undefined, ctx)).sort((a, b) => a.id - b.id);
      const lines =
        dumps.length === 0
          ? ['No dumps']
          : dumps.map(
              (d) =>
                `[${d.id}] Generated: ${d.generated !== undefined ? xcatTime(d.generated) : 'unknown'}, Size: ${d.size ?? 'unknown'}`,
            );
      return { key: 'dump', op: 'list', lines, dumps };
    }
    case 'generate': {
      // A Redfish BMC does not name the dump it starts: the new one is the entry that was not there.
      const before = new Set((await ex.listDumps(undefined, ctx)).map((d) => d.id));
      const created = await ex.createDump(undefined, ctx);
      const end = Date.now() + args.waitMs;
      for (;;) {
        const list = await ex.listDumps(undefined, ctx);
        const found = list.find((d) => (created !== undefined ? d.id === created : !before.has(d.id)));
        if (found) return { key: 'dump', op: 'generate', id: found.id, lines: [`[${found.id}] success`] };
        if (Date.now() + args.intervalMs > end)
          throw new NodeError(
            'timeout',
            `Could not find dump ${created ?? '(new)'} after waiting ${Math.round(args.waitMs / 1000)} seconds.`,
          );
        ctx.services.progress?.(ctx.node.name, `waiting for dump ${created ?? '(new)'}`);
        await sleep(args.intervalMs, ctx.signal);
      }
    }
    case 'clear': {
      if (args.id !== 'all' && !(await ex.listDumps(undefined, ctx)).some((d) => d.id === args.id))
        throw new NodeError('failed', `Invalid dump ${args.id} was specified. Use -l option to list.`);
      await ex.clearDump({ id: args.id }, ctx);
      const left = await ex.listDumps(undefined, ctx);
      if (args.id === 'all' ? left.length > 0 : left.some((d) => d.id === args.id))
        throw new NodeError('failed', `the BMC accepted the clear but dump ${args.id} is still listed`);
      return { key: 'dump', op: 'clear', id: args.id, lines: [`[${args.id}] clear`] };
    }
    case 'download': {
      const list = (await ex.listDumps(undefined, ctx)).sort((a, b) => a.id - b.id);
      const ids = args.id === 'all' ? list.map((d) => d.id) : [args.id];
      if (args.id !== 'all' && !list.some((d) => d.id === args.id))
        throw new NodeError('failed', `Invalid dump ${args.id} was specified. Use -l option to list.`);
      if (ids.length === 0) return { key: 'dump', op: 'download', id: 'all', lines: ['No dumps'], files: [] };
      const files: DownloadedDump[] = [];
      for (const id of ids) {
        const file = join(args.dir, dumpFileName(ctx.node.name, id, new Date()));
        const bytes = await ex.downloadDump({ id, file }, ctx);
        files.push({ id, file, bytes });
      }
      return {
        key: 'dump',
        op: 'download',
        id: args.id,
        files,
        lines: files.map((f) => `Downloaded dump ${f.id} to ${f.file}.`),
      };
    }
  }
}

/** xCAT's name for a downloaded dump: `<YYYYmmdd-HHMM>_<node>_dump_<id>.tar.xz` (local time, as xCAT). */
export function dumpFileName(node: string, id: number, at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}${p(at.getMonth() + 1)}${p(at.getDate())}-${p(at.getHours())}${p(at.getMinutes())}`;
  return `${stamp}_${node}_dump_${id}.tar.xz`;
}

/** rspconfig's `dump`/`gard` group (src/commands/rspconfig-groups.ts, which declares its options). */
export const dumpGroup: RspconfigGroupModule<DumpArgs, DumpResult> = {
  parse: (words, o) =>
    parseDumpArgs(words, {
      ...(o.list === true ? { list: true } : {}),
      ...(o.generate === true ? { generate: true } : {}),
      ...(o.clear !== undefined ? { clear: o.clear as string } : {}),
      ...(o.download !== undefined ? { download: String(o.download) } : {}),
      ...(typeof o['dump-dir'] === 'string' ? { dumpDir: o['dump-dir'] } : {}),
    }),
  request: dumpRequest,
  view: dumpView,
  timeoutMs: DEFAULT_DUMP_TIMEOUT_MS,
  effect: (a) => (a.op === 'clear' ? 'destructive' : a.op === 'generate' ? 'change' : undefined),
};
