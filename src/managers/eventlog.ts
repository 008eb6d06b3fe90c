/**
 * The event-log capability (`reventlog`): arguments, the entry model, the line formats, and the logic that
 * is the same for every BMC flavor.
 *
 * Executors (src/executors/<flavor>/eventlog.ts) read, clear and resolve entries in their protocol and hand
 * back entries oldest first. This module checks the arguments with xCAT's wording, keeps the newest N,
 * orders them (`-s`: newest first), formats xCAT's lines, and turns per-id resolve failures into the node's
 * error (exit 1) without hiding what was resolved.
 */
import { HwctlUsageError, NodeError, type NodeErrorKind } from '../core/errors.js';
import type { NodeDef } from '../core/types.js';
import type { Executor, NodeContext } from '../engine/executor.js';
import type { RunRequest } from '../engine/run.js';
import type { ResultView } from '../output/view.js';
import { requireOps } from './executor-ops.js';

// ------------------------------------------------------------------------------------------ arguments

export type EventlogOp = 'list' | 'clear' | 'resolve';

export type ResolveTarget = { kind: 'ids'; ids: string[] } | { kind: 'led' };

export interface EventlogArgs {
  op: EventlogOp;
  /** list: keep the newest N entries (undefined: all). */
  newest?: number;
  /** list, `-s`: newest first (xCAT prints oldest first). */
  newestFirst: boolean;
  /** resolve: the entries to mark resolved. */
  resolve?: ResolveTarget;
  /** Redfish `--log`: LogService ids or names to read/clear (default: every event log). */
  logs?: string[];
  /** OpenBMC `--policy-table`: IBM RAS policy table (default /opt/ibm/ras/lib/policyTable.json if present). */
  policyTable?: string;
}

export interface EventlogCliInput {
  /** The positional words after the noderange. */
  options: readonly string[];
  /** `-s` */
  sort?: boolean;
  /** `--log`, possibly repeated or comma-separated. */
  log?: readonly string[] | string;
  policyTable?: string;
}

const NO_ID_MESSAGE =
  "Usage error. Provide a comma separated list of IDs to be resolved. Example: 'resolved=x,y,z'";

/**
 * Check the arguments (xCAT's messages where it has them) and build EventlogArgs. Throws HwctlUsageError
 * (exit 2) before any inventory or BMC is touched.
 */
export function parseEventlogArgs(input: EventlogCliInput): EventlogArgs {
  const words = input.options.map(String);
  if (words.length > 1)
    throw new HwctlUsageError('Only one option is supported at the same time for reventlog');
  const word = words[0] ?? 'all';
  const args: EventlogArgs = { op: 'list', newestFirst: Boolean(input.sort) };
  const logs = ([] as string[])
    .concat(input.log ?? [])
    .flatMap((l) => String(l).split(','))
    .map((l) => l.trim())
    .filter(Boolean);
  if (logs.length > 0) args.logs = logs;
  if (input.policyTable !== undefined) args.policyTable = input.policyTable;

  const resolved = /^resolved(?:=(.*))?$/i.exec(word);
  if (resolved) {
    const ids = (resolved[1] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (ids.length === 0) throw new HwctlUsageError(NO_ID_MESSAGE);
    args.op = 'resolve';
    args.resolve =
      ids.length === 1 && ids[0]!.toUpperCase() === 'LED'
        ? { kind: 'led' }
        : { kind: 'ids', ids: unique(ids) };
  } else if (/resolved/i.test(word)) {
    throw new HwctlUsageError(NO_ID_MESSAGE);
  } else if (word === 'clear') {
    args.op = 'clear';
  } else if (/^\d+$/.test(word)) {
    const n = Number(word);
    if (!Number.isSafeInteger(n))
      throw new HwctlUsageError(`Unsupported command: reventlog ${word} (number too large)`);
    if (n > 0) args.newest = n; // xCAT: 0 shows everything
  } else if (word !== 'all') {
    throw new HwctlUsageError(
      `Unsupported command: reventlog ${word} (valid: a number of entries, all, clear, resolved=ID,...)`,
    );
  }
  if (args.newestFirst && args.op !== 'list') {
    throw new HwctlUsageError(`-s orders listed entries; it does not apply to reventlog ${word}`);
  }
  return args;
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}

/** The words that describe the request (json `command`). */
export function eventlogCommandWords(args: EventlogArgs): string[] {
  const words: string[] = [];
  if (args.op === 'clear') words.push('clear');
  else if (args.op === 'resolve')
    words.push(`resolved=${args.resolve?.kind === 'led' ? 'LED' : (args.resolve?.ids ?? []).join(',')}`);
  else words.push(args.newest === undefined ? 'all' : String(args.newest));
  if (args.newestFirst) words.push('-s');
  if (args.logs) words.push(`--log=${args.logs.join(',')}`);
  return words;
}

/** Reading a big log takes a while on slow BMCs (one request per page, seconds each). */
export const DEFAULT_EVENTLOG_TIMEOUT_MS = 120_000;

// ------------------------------------------------------------------------------------- entry model

/** xCAT's IBM RAS policy-table translation of an OpenBMC entry. */
export interface PolicyText {
  eventType: string;
  severity: string;
  message: string;
  affectedSubsystem: string;
}

/** One log entry, flavor-neutral. `style` picks the line format. */
export interface EventEntry {
  style: 'openbmc' | 'redfish';
  /** What `resolved=` takes: OpenBMC `12`; Redfish `<LogService>/<Id>`. */
  id: string;
  /** Milliseconds since the epoch; undefined when the BMC gave no usable time. */
  time?: number;
  /** The BMC's own time value when it is text (Redfish `Created`), kept as sent. */
  created?: string;
  severity?: string;
  messageId?: string;
  /** undefined when the BMC gave none. */
  message?: string;
  /** undefined when the BMC does not track resolution for this entry. */
  resolved?: boolean;
  /** Redfish: the LogService the entry is in. */
  log?: string;
  entryType?: string;
  sensorType?: string;
  entryCode?: string;
  /** OpenBMC: `_PID` of the process that logged it. */
  pid?: string;
  /** OpenBMC: what xCAT appends after `||` (inventory path, `I2C`, procedure in hex). */
  callout?: string;
  /** OpenBMC: a CALLOUT* key was present (xCAT's `[LED]` tag; `resolved=LED` resolves these). */
  led?: boolean;
  /** OpenBMC with a policy table: the translation, or `not-found` when the table lacks the key. */
  policy?: PolicyText | 'not-found';
}

/** A log a Redfish BMC offers (json only). */
export interface LogInfo {
  id: string;
  name?: string;
  /** `System` or `Manager`. */
  owner: string;
  path: string;
  /** Entries on the BMC (Members@odata.count, else the number read). */
  entries?: number;
  /** Offers LogService.ClearLog. */
  clearable: boolean;
  /** Left out by default (diagnostic-data logs, i.e. dumps) or by --log. */
  selected: boolean;
}

/** What an executor's listing gives back. */
export interface EntryListing {
  /** Oldest first. With `newest`, at least the newest N (the executor may read fewer than all). */
  entries: EventEntry[];
  /** Entries on the BMC in the logs read, when known and different from entries.length. */
  total?: number;
  logs?: LogInfo[];
  /** Odd data met on the way (already given to services.warn). */
  notes?: string[];
}

export interface ClearOutcome {
  /** Logs cleared (Redfish LogService ids); empty for OpenBMC's single log. */
  cleared: string[];
  /** Logs left alone because they offer no ClearLog. */
  skipped?: string[];
  notes?: string[];
}

export interface ResolveFailure {
  id: string;
  kind: NodeErrorKind;
  message: string;
}

export interface ResolveOutcome {
  resolved: string[];
  /** Asked for, but already resolved: nothing was sent for them. */
  already?: string[];
  failed: ResolveFailure[];
}

export interface ListEntriesArgs {
  newest?: number;
  logs?: string[];
  policyTable?: string;
}

/** The primitives an event-log executor provides. */
export interface EventlogExecutor extends Executor {
  listEntries(args: ListEntriesArgs, ctx: NodeContext): Promise<EntryListing>;
  clearEntries(args: { logs?: string[] }, ctx: NodeContext): Promise<ClearOutcome>;
  resolveEntries(args: { target: ResolveTarget; logs?: string[] }, ctx: NodeContext): Promise<ResolveOutcome>;
}

// ------------------------------------------------------------------------------------------ results

export type EventlogResult =
  | { op: 'list'; entries: EventEntry[]; total: number; logs?: LogInfo[]; notes?: string[] }
  | { op: 'clear'; cleared: string[]; skipped?: string[]; notes?: string[] }
  | { op: 'resolve'; resolved: string[]; already?: string[]; nothingToDo?: boolean };

export const EMPTY_LOG = 'No attributes returned from the BMC.';
export const NOTHING_TO_RESOLVE = 'No event log entries needed to be resolved';

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** xCAT's `MM/DD/YYYY HH:MM:SS`, in this machine's local time. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${pad(d.getMonth() + 1)}/${pad(d.getDate())}/${d.getFullYear()} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

function timeText(e: EventEntry): string {
  if (e.time !== undefined) return formatTime(e.time);
  return e.created ? `(time: ${e.created})` : '(no time)';
}

const bool = (b: boolean) => (b ? 'True' : 'False');

/**
 * One entry as a line.
 * OpenBMC (xCAT):  `MM/DD/YYYY HH:MM:SS [Id]: Message[||callout] (PID: n), Resolved: False [LED]`
 *   with a policy table: `... [Id]: EventType, (Severity) Text (AffectedSubsystem: s, PID: n), Resolved: False`
 * Redfish:         `MM/DD/YYYY HH:MM:SS [Log/Id]: (Severity) Message (MessageId: X)[, Resolved: False]`
 */
export function formatEntry(e: EventEntry): string {
  const head = `${timeText(e)} [${e.id}]: `;
  const resolved = e.resolved === undefined ? '' : `, Resolved: ${bool(e.resolved)}`;
  if (e.style === 'openbmc') {
    const message = (e.message ?? '(no message)') + (e.callout ? `||${e.callout}` : '');
    const pid = e.pid === undefined ? '' : `PID: ${e.pid}`;
    const led = e.led ? ' [LED]' : '';
    if (e.policy && e.policy !== 'not-found') {
      const p = e.policy;
      const inner = [`AffectedSubsystem: ${p.affectedSubsystem}`, pid].filter(Boolean).join(', ');
      return `${head}${p.eventType}, (${p.severity}) ${p.message} (${inner})${resolved}${led}`;
    }
    const prefix = e.policy === 'not-found' ? 'Not found in policy table: ' : '';
    return `${head}${prefix}${message}${pid ? ` (${pid})` : ''}${resolved}${led}`;
  }
  const severity = e.severity ? `(${e.severity}) ` : '';
  const message = e.message ?? '(no message)';
  const id = e.messageId ? ` (MessageId: ${e.messageId})` : '';
  return `${head}${severity}${message}${id}${resolved}`;
}

function entryJson(e: EventEntry): Record<string, unknown> {
  const o: Record<string, unknown> = {
    id: e.id,
    time: e.time === undefined ? null : new Date(e.time).toISOString(),
    message: e.message ?? null,
  };
  const optional: Array<keyof EventEntry> = [
    'created',
    'severity',
    'messageId',
    'resolved',
    'log',
    'entryType',
    'sensorType',
    'entryCode',
    'pid',
    'callout',
    'led',
    'policy',
  ];
  for (const k of optional) if (e[k] !== undefined) o[k] = e[k];
  return o;
}

export const eventlogView: ResultView<EventlogResult> = {
  text: (r) => {
    switch (r.op) {
      case 'list':
        return r.entries.length === 0 ? [EMPTY_LOG] : r.entries.map(formatEntry);
      case 'clear':
        return [r.cleared.length === 0 ? 'Logs cleared' : `Logs cleared: ${r.cleared.join(', ')}`];
      case 'resolve':
        if (r.nothingToDo) return [NOTHING_TO_RESOLVE];
        return [
          ...(r.already ?? []).map((id) => `Not resolving already resolved eventlog ID ${id}`),
          ...r.resolved.map((id) => `Resolved ${id}`),
        ];
    }
  },
  json: (r) => {
    switch (r.op) {
      case 'list': {
        const o: Record<string, unknown> = {
          op: 'list',
          count: r.entries.length,
          total: r.total,
          entries: r.entries.map(entryJson),
        };
        if (r.logs) o.logs = r.logs;
        if (r.notes && r.notes.length > 0) o.notes = r.notes;
        return o;
      }
      case 'clear': {
        const o: Record<string, unknown> = { op: 'clear', cleared: r.cleared };
        if (r.skipped && r.skipped.length > 0) o.skipped = r.skipped;
        if (r.notes && r.notes.length > 0) o.notes = r.notes;
        return o;
      }
      case 'resolve':
        return { op: 'resolve', resolved: r.resolved, already: r.already ?? [] };
    }
  },
};

// -------------------------------------------------------------------------------------- the request

/** The message printed (stderr, text output) before resolving, as xCAT does. */
export function resolveAnnouncement(args: EventlogArgs): string | undefined {
  if (args.op !== 'resolve' || !args.resolve) return undefined;
  const value = args.resolve.kind === 'led' ? 'LED' : args.resolve.ids.join(',');
  return `Attempting to resolve the following log entries: ${value}...`;
}

export function eventlogRequest(
  nodes: readonly NodeDef[],
  args: EventlogArgs,
): RunRequest<EventlogArgs, EventlogResult> {
  // Entry ids are per BMC: the same id on another node is another event (xCAT refuses it too).
  if (args.op === 'resolve' && nodes.length > 1)
    throw new HwctlUsageError('Resolving faults over a xCAT noderange is not recommended.');
  return {
    capability: 'eventlog',
    op: args.op,
    args,
    nodes,
    perNode: (executor, ctx) => runEventlog(asEventlogExecutor(executor), args, ctx),
  };
}

const REQUIRED_OPS = ['listEntries', 'clearEntries', 'resolveEntries'] as const;

function asEventlogExecutor(executor: Executor): EventlogExecutor {
  return requireOps<EventlogExecutor>(executor, 'eventlog', REQUIRED_OPS);
}

/** One node's reventlog. Exported for tests; the engine calls it through eventlogRequest. */
export async function runEventlog(
  ex: EventlogExecutor,
  args: EventlogArgs,
  ctx: NodeContext,
): Promise<EventlogResult> {
  switch (args.op) {
    case 'list': {
      const listArgs: ListEntriesArgs = {};
      if (args.newest !== undefined) listArgs.newest = args.newest;
      if (args.logs) listArgs.logs = args.logs;
      if (args.policyTable !== undefined) listArgs.policyTable = args.policyTable;
      const listing = await ex.listEntries(listArgs, ctx);
      let entries = args.newest === undefined ? listing.entries : listing.entries.slice(-args.newest);
      if (args.newestFirst) entries = [...entries].reverse();
      const result: EventlogResult = {
        op: 'list',
        entries,
        total: listing.total ?? listing.entries.length,
      };
      if (listing.logs) result.logs = listing.logs;
      if (listing.notes && listing.notes.length > 0) result.notes = listing.notes;
      return result;
    }
    case 'clear': {
      const out = await ex.clearEntries(args.logs ? { logs: args.logs } : {}, ctx);
      const result: EventlogResult = { op: 'clear', cleared: out.cleared };
      if (out.skipped && out.skipped.length > 0) result.skipped = out.skipped;
      if (out.notes && out.notes.length > 0) result.notes = out.notes;
      return result;
    }
    case 'resolve': {
      const target = args.resolve;
      if (!target) throw new HwctlUsageError(NO_ID_MESSAGE);
      const out = await ex.resolveEntries(args.logs ? { target, logs: args.logs } : { target }, ctx);
      return resolveResult(out);
    }
  }
}

/**
 * A resolve outcome as the node's result. Any id that failed fails the node (exit 1); the message says
 * what was resolved all the same, so nothing done is hidden.
 */
export function resolveResult(out: ResolveOutcome): EventlogResult {
  if (out.failed.length > 0) {
    const kinds = new Set(out.failed.map((f) => f.kind));
    const kind: NodeErrorKind = kinds.size === 1 ? out.failed[0]!.kind : 'failed';
    const done = out.resolved.length > 0 ? ` (resolved: ${out.resolved.join(', ')})` : '';
    throw new NodeError(kind, out.failed.map((f) => f.message).join('; ') + done);
  }
  const result: EventlogResult = { op: 'resolve', resolved: out.resolved };
  if (out.already && out.already.length > 0) result.already = out.already;
  if (out.resolved.length === 0 && (out.already ?? []).length === 0) result.nothingToDo = true;
  return result;
}

/**
 * Several logs, each oldest first, as one sequence oldest first: a merge by time that keeps every log's own
 * order (a BMC whose clock jumped still lists its entries in the order they happened). An entry without a
 * time counts as the time of the entry before it in its log.
 */
export function mergeByTime(logs: ReadonlyArray<readonly EventEntry[]>): EventEntry[] {
  const next = logs.map(() => 0);
  const carried = logs.map(() => -Infinity);
  const out: EventEntry[] = [];
  for (;;) {
    let pick = -1;
    let pickTime = Infinity;
    for (let i = 0; i < logs.length; i++) {
      const head = logs[i]![next[i]!];
      if (!head) continue;
      const t = head.time ?? carried[i]!;
      if (pick < 0 || t < pickTime) {
        pick = i;
        pickTime = t;
      }
    }
    if (pick < 0) return out;
    const e = logs[pick]![next[pick]!++]!;
    if (e.time !== undefined) carried[pick] = e.time;
    out.push(e);
  }
}
