/**
 * rspconfig's `dump` and `gard` keys (the 'dump' capability), xCAT's forms (reference §1.9):
 *   dump [-l|--list]     list the BMC dumps: `[<id>] Generated: MM/DD/YYYY HH:MM:SS, Size: <n>`
 *   dump -g|--generate   start a dump and wait (bounded) until it is listed: `[<id>] success`
 *   dump -c|--clear ID|all
 *                        delete one dump or all: `[<id>] clear`
 *   gard -c|--clear      clear the GARD records (OpenBMC only): `GARD cleared`
 * `dump -d ID DIR` (download) is not implemented yet: it needs a streamed download in the BMC layer
 * (every answer is buffered today), refused with that reason before any BMC is touched.
 */
import { HwctlUsageError, NodeError } from '../core/errors.js';
import type { NodeDef } from '../core/types.js';
import type { Executor, NodeContext } from '../engine/executor.js';
import type { RunRequest } from '../engine/run.js';
import type { ResultView } from '../output/view.js';
import { requireOps } from './executor-ops.js';

export type DumpArgs =
  | { key: 'dump'; op: 'list' }
  | { key: 'dump'; op: 'generate'; waitMs: number; intervalMs: number }
  | { key: 'dump'; op: 'clear'; id: number | 'all' }
  | { key: 'gard'; op: 'clear' };

export interface DumpEntry {
  id: number;
  /** Epoch ms. */
  generated?: number;
  size?: number;
}

export interface DumpExecutor extends Executor {
  listDumps(args: undefined, ctx: NodeContext): Promise<DumpEntry[]>;
  /** Start a dump; returns its id. */
  createDump(args: undefined, ctx: NodeContext): Promise<number>;
  clearDump(args: { id: number | 'all' }, ctx: NodeContext): Promise<void>;
  clearGard(args: undefined, ctx: NodeContext): Promise<void>;
}

export interface DumpResult {
  key: 'dump' | 'gard';
  op: string;
  lines: string[];
  dumps?: DumpEntry[];
  id?: number | 'all';
}

/** The yargs options the rspconfig command adds for these keys. */
export const DUMP_OPTIONS = {
  list: { alias: 'l', type: 'boolean', describe: 'dump: list the BMC dumps' },
  generate: { alias: 'g', type: 'boolean', describe: 'dump: generate a BMC dump and wait for it' },
  clear: {
    alias: 'c',
    type: 'string',
    describe: 'dump: delete dump ID or all; gard: clear the GARD records',
  },
  download: { alias: 'd', type: 'string', describe: 'dump: download dump ID into a directory (not yet)' },
} as const;

export interface DumpParseOptions {
  list?: boolean;
  generate?: boolean;
  /** `-c ID|all` (dump) or `-c` (gard: any value, even empty). */
  clear?: string | boolean;
  download?: string;
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
      o.download = rest[++i] ?? '';
      i++; // the directory (xCAT: -d ID DIR)
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
  if (o.download !== undefined)
    usage(
      'dump -d (download) is not supported yet: hwctl would have to stream the dump to a file, and its BMC layer buffers every answer',
    );
  if (o.generate)
    return {
      key: 'dump',
      op: 'generate',
      waitMs: o.waitMs ?? DEFAULT_DUMP_WAIT_MS,
      intervalMs: o.intervalMs ?? 2000,
    };
  if (o.clear !== undefined) {
    if (o.clear === true || o.clear === '') usage("No dump file ID specified. To clear all, specify 'all'.");
    if (o.clear === 'all') return { key: 'dump', op: 'clear', id: 'all' };
    if (!/^\d+$/.test(String(o.clear)))
      usage(`Invalid dump ${String(o.clear)} was specified. Use -l option to list.`);
    return { key: 'dump', op: 'clear', id: Number(o.clear) };
  }
  return { key: 'dump', op: 'list' };
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
        requireOps<DumpExecutor>(executor, 'dump', ['listDumps', 'createDump', 'clearDump', 'clearGard']),
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
      const id = await ex.createDump(undefined, ctx);
      const end = Date.now() + args.waitMs;
      for (;;) {
        if ((await ex.listDumps(undefined, ctx)).some((d) => d.id === id))
          return { key: 'dump', op: 'generate', id, lines: [`[${id}] success`] };
        if (Date.now() + args.intervalMs > end)
          throw new NodeError(
            'timeout',
            `Could not find dump ${id} after waiting ${Math.round(args.waitMs / 1000)} seconds.`,
          );
        ctx.services.progress?.(ctx.node.name, `waiting for dump ${id}`);
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
  }
}
