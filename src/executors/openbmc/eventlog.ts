/**
 * Event log on OpenBMC REST (phosphor-logging under /xyz/openbmc_project/logging), with xCAT's calls and
 * parsing (reference xcat-openbmc.md §1.8, §2.7):
 *  - list: one `GET logging/enumerate`; entries are the objects with a non-zero `Id` (callout associations
 *    and other objects are skipped); PID, callout and the `[LED]` tag come from `AdditionalData`;
 *  - clear: `POST logging/action/DeleteAll {"data": []}`;
 *  - resolve: the enumerate tells which ids exist and are unresolved, then one
 *    `PUT logging/entry/<id>/attr/Resolved {"data": 1}` per id (xCAT's Python agent does the same);
 *  - IBM's RAS policy table, when present, translates messages as xCAT does.
 */
import { readFile, access } from 'node:fs/promises';
import { HwctlUsageError, NodeError, isNodeError } from '../../core/errors.js';
import type { GroupContext, NodeContext } from '../../engine/executor.js';
import { openbmcClient, isRecord } from '../../bmc/index.js';
import type {
  ClearOutcome,
  EntryListing,
  EventEntry,
  EventlogArgs,
  EventlogExecutor,
  ListEntriesArgs,
  PolicyText,
  ResolveFailure,
  ResolveOutcome,
  ResolveTarget,
} from '../../managers/eventlog.js';
import { NOTHING_TO_RESOLVE } from '../../managers/eventlog.js';

const LOGGING = '/xyz/openbmc_project/logging';
const GPU_CALLOUT = '/xyz/openbmc_project/inventory/system/chassis/motherboard/gpu';
export const DEFAULT_POLICY_TABLE = '/opt/ibm/ras/lib/policyTable.json';

type Props = Record<string, unknown>;

/** `AdditionalData` as key/value pairs: phosphor sends `["KEY=VALUE", ...]`; newer ones a map. */
function additionalData(v: unknown): Array<[string, string]> {
  if (Array.isArray(v)) {
    return v
      .filter((s): s is string => typeof s === 'string')
      .map((s) => {
        const eq = s.indexOf('=');
        return eq < 0 ? [s, ''] : [s.slice(0, eq), s.slice(eq + 1)];
      });
  }
  if (isRecord(v)) return Object.entries(v).map(([k, val]) => [k, String(val)]);
  return [];
}

/** The entry's Id as a positive integer, or undefined (xCAT skips Id 0 and objects without one). */
function entryId(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function lastComponent(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? (v.split('.').pop() ?? v) : undefined;
}

function resolvedOf(v: unknown): boolean | undefined {
  if (v === true || v === 1 || v === '1' || v === 'true') return true;
  if (v === false || v === 0 || v === '0' || v === 'false') return false;
  return undefined;
}

/** One phosphor-logging entry object, parsed as xCAT's Python agent does. */
export function parseEntry(props: Props, policy?: PolicyTable): EventEntry | undefined {
  const id = entryId(props.Id);
  if (id === undefined) return undefined;
  const entry: EventEntry = { style: 'openbmc', id: String(id) };
  if (typeof props.Timestamp === 'number' && Number.isFinite(props.Timestamp)) entry.time = props.Timestamp;
  if (typeof props.Message === 'string') entry.message = props.Message;
  const severity = lastComponent(props.Severity);
  if (severity) entry.severity = severity;
  const resolved = resolvedOf(props.Resolved);
  if (resolved !== undefined) entry.resolved = resolved;
  let callout = '';
  let led = false;
  // xCAT's order of tests, key by key; the last callout text wins.
  for (const [key, value] of additionalData(props.AdditionalData)) {
    if (key === 'ESEL') continue;
    if (key === '_PID') entry.pid = value;
    else if (key.includes('CALLOUT_DEVICE_PATH')) {
      led = true;
      callout = 'I2C';
    } else if (key.includes('CALLOUT_INVENTORY_PATH')) {
      led = true;
      callout = value;
    } else if (key.includes('CALLOUT')) led = true;
    else if (key.includes('GPU')) callout = GPU_CALLOUT;
    else if (key.includes('PROCEDURE')) callout = /^\d+$/.test(value) ? Number(value).toString(16) : value;
  }
  if (callout) entry.callout = callout;
  if (led) entry.led = true;
  if (policy) {
    const key = (entry.message ?? '') + (callout ? `||${callout}` : '');
    entry.policy = policy.get(key) ?? 'not-found';
  }
  return entry;
}

/** Every entry of a `logging/enumerate` answer, by Id ascending. */
export function parseEnumerate(data: unknown, policy?: PolicyTable): EventEntry[] {
  if (!isRecord(data)) {
    throw new NodeError('protocol', 'Received wrong format response: logging/enumerate is not an object map');
  }
  const entries: EventEntry[] = [];
  for (const props of Object.values(data)) {
    if (!isRecord(props)) continue;
    const e = parseEntry(props, policy);
    if (e) entries.push(e);
  }
  return entries.sort((a, b) => Number(a.id) - Number(b.id));
}

// ------------------------------------------------------------------------------------- policy table

export type PolicyTable = Map<string, PolicyText>;

const policyTables = new Map<string, Promise<PolicyTable | undefined>>();

function text(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

/** Parse IBM's policyTable.json: `{"events": {"<Message>[||<callout>]": {EventType, Severity, Message, AffectedSubsystem}}}`. */
export function parsePolicyTable(json: unknown, file: string): PolicyTable {
  const events = isRecord(json) ? json.events : undefined;
  if (!isRecord(events)) throw new HwctlUsageError(`policy table ${file}: no "events" object`);
  const table: PolicyTable = new Map();
  for (const [key, v] of Object.entries(events)) {
    if (!isRecord(v)) continue;
    table.set(key, {
      eventType: text(v.EventType),
      severity: text(v.Severity),
      message: text(v.Message),
      affectedSubsystem: text(v.AffectedSubsystem),
    });
  }
  return table;
}

/**
 * The policy table for a run: the file given, or xCAT's default path when it exists. A file named
 * explicitly that cannot be read is a usage error; a broken default one is ignored with a warning.
 */
export function loadPolicyTable(
  file: string | undefined,
  warn: (m: string) => void,
): Promise<PolicyTable | undefined> {
  const path = file ?? DEFAULT_POLICY_TABLE;
  let p = policyTables.get(path);
  if (!p) {
    p = (async () => {
      if (file === undefined) {
        try {
          await access(path);
        } catch {
          return undefined;
        }
      }
      try {
        return parsePolicyTable(JSON.parse(await readFile(path, 'utf8')), path);
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        if (file !== undefined) throw new HwctlUsageError(`--policy-table ${path}: ${why}`);
        warn(`ignoring the RAS policy table ${path}: ${why}`);
        return undefined;
      }
    })();
    policyTables.set(path, p);
  }
  return p;
}

// ------------------------------------------------------------------------------------------ executor

class OpenBmcEventlogExecutor implements EventlogExecutor {
  readonly capability = 'eventlog' as const;
  readonly flavor = 'openbmc';

  /** Flavor-specific refusals (xCAT's wording), for this group's nodes only. */
  async validate(_op: string, raw: unknown, group: GroupContext): Promise<void> {
    const args = raw as EventlogArgs;
    if (args.newestFirst) throw new NodeError('unsupported', 'The -s option is not supported for OpenBMC.');
    if (args.logs)
      throw new NodeError(
        'unsupported',
        '--log selects Redfish LogServices; OpenBMC REST has one event log (leave --log out)',
      );
    if (args.op === 'list') await loadPolicyTable(args.policyTable, group.services.warn);
  }

  async listEntries(args: ListEntriesArgs, ctx: NodeContext): Promise<EntryListing> {
    const policy = await loadPolicyTable(args.policyTable, ctx.services.warn);
    const client = await openbmcClient(ctx);
    const entries = parseEnumerate(await client.get(`${LOGGING}/enumerate`), policy);
    return { entries };
  }

  async clearEntries(_args: { logs?: string[] }, ctx: NodeContext): Promise<ClearOutcome> {
    const client = await openbmcClient(ctx);
    await client.post(`${LOGGING}/action/DeleteAll`, []);
    return { cleared: [] };
  }

  async resolveEntries(args: { target: ResolveTarget }, ctx: NodeContext): Promise<ResolveOutcome> {
    const client = await openbmcClient(ctx);
    const entries = parseEnumerate(await client.get(`${LOGGING}/enumerate`));
    const byId = new Map(entries.map((e) => [e.id, e]));
    const failed: ResolveFailure[] = [];
    const already: string[] = [];
    const todo: string[] = [];
    if (args.target.kind === 'led') {
      const tagged = entries.filter((e) => e.led);
      for (const e of tagged) (e.resolved ? already : todo).push(e.id);
      if (todo.length === 0) throw new NodeError('failed', NOTHING_TO_RESOLVE);
      already.length = 0; // resolved=LED takes the tagged entries that need it; the rest is not news
    } else {
      for (const id of args.target.ids) {
        const e = byId.get(id.replace(/^0+(?=\d)/, ''));
        if (!e) failed.push({ id, kind: 'failed', message: `Invalid ID: ${id}` });
        else if (e.resolved) already.push(e.id);
        else todo.push(e.id);
      }
    }
    const resolved: string[] = [];
    for (const id of todo) {
      try {
        await client.put(`${LOGGING}/entry/${id}/attr/Resolved`, 1);
        resolved.push(id);
      } catch (e) {
        failed.push(resolveFailure(id, e));
      }
    }
    return { resolved, already, failed };
  }
}

/** xCAT's words for a refused resolve (Perl: 403 and 405; an id deleted since the listing: 404). */
function resolveFailure(id: string, e: unknown): ResolveFailure {
  if (isNodeError(e)) {
    if (e.status === 404) return { id, kind: 'failed', message: `Invalid ID: ${id}` };
    if (e.status === 403)
      return { id, kind: 'failed', message: `Invalid ID: ${id} provided to be resolved. [403 Forbidden]` };
    if (e.status === 405) return { id, kind: 'failed', message: `Could not find ID specified. (${id})` };
    return { id, kind: e.kind, message: `${id}: ${e.message}` };
  }
  throw e;
}

const executor: EventlogExecutor = new OpenBmcEventlogExecutor();
export default executor;
