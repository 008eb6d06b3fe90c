/**
 * Event logs on Redfish: the LogServices of the System and of its Manager (names differ per vendor: SEL,
 * EventLog, IML, IEL, Lclog, Journal...), their Entries with time, severity, message id and message,
 * LogService.ClearLog, and `Resolved` where the entries carry it.
 *
 * Request economy (docs/performance.md): the System is read once, the Manager once through the System's
 * `Links.ManagedBy`; a LogServices collection is read with `$expand=.` where the service root offers it, so
 * its logs come in one request; entries are read page by page, and for `reventlog N` only as far as the
 * newest N need (a log served newest first stops early; one served oldest first with `$skip` support jumps
 * to the last N). Odd data never crashes a node: dangling links, a next link that repeats, entries without
 * time or message are reported (services.warn and json `notes`) and the rest is shown.
 */
import { NodeError, isNodeError } from '../../core/errors.js';
import type { GroupContext, NodeContext } from '../../engine/executor.js';
import { redfishClient, type RedfishClient, type RedfishResource, isRecord } from '../../bmc/index.js';
import { describeStop, readMembers, withQuery, type WalkState } from '../../bmc/redfish-paging.js';
import { errorBodyCode } from '../../bmc/redfish-read.js';
import { chooseManager, odataIdOf, refList } from '../../bmc/redfish-topology.js';
import {
  mergeByTime,
  type ClearOutcome,
  type EntryListing,
  type EventEntry,
  type EventlogArgs,
  type EventlogExecutor,
  type ListEntriesArgs,
  type LogInfo,
  type ResolveFailure,
  type ResolveOutcome,
  type ResolveTarget,
} from '../../managers/eventlog.js';

const CLEAR_LOG = 'LogService.ClearLog';
const COLLECT_DIAGNOSTIC = 'LogService.CollectDiagnosticData';

function lastSegment(path: string): string {
  const seg =
    path
      .replace(/[?#].*$/, '')
      .replace(/\/+$/, '')
      .split('/')
      .pop() ?? '';
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}

/** A member that is only a reference (`{"@odata.id": ...}`), not the resource itself. */
function isLinkOnly(m: RedfishResource): boolean {
  return Object.keys(m).every((k) => k.startsWith('@odata.'));
}

function hasAction(doc: RedfishResource, action: string): boolean {
  const actions = doc.Actions;
  return isRecord(actions) && (isRecord(actions[`#${action}`]) || isRecord(actions[action]));
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The note for a linked resource the BMC answered with an HTTP error: one sentence naming the path once.
 * (The client's own 404 message already names the request and guesses at firmware support; appended to
 * "a dangling link" it said the same thing twice.)
 */
function leftOut(path: string, e: NodeError, what: string, outcome = 'left out'): string {
  if (e.status === 404) return `${path}: 404 Not Found (a dangling ${what}); ${outcome}`;
  return `${path}: could not be read (${e.message}); ${outcome}`;
}

/** What this service root says about `$expand` and `$skip`. */
interface Features {
  expand?: string;
  skip: boolean;
}

export function featuresOf(root: RedfishResource): Features {
  const pf = isRecord(root.ProtocolFeaturesSupported) ? root.ProtocolFeaturesSupported : {};
  const ex = isRecord(pf.ExpandQuery) ? pf.ExpandQuery : {};
  const f: Features = { skip: pf.TopSkipQuery === true };
  if (ex.NoLinks === true) f.expand = ex.Levels === true ? '.($levels=1)' : '.';
  return f;
}

// ---------------------------------------------------------------------------------- log discovery

export interface LogService {
  /** Unique label on this node: the LogService Id (owner-qualified when two share it). */
  label: string;
  id: string;
  name?: string;
  owner: 'System' | 'Manager';
  path: string;
  entries?: string;
  doc: RedfishResource;
  clearable: boolean;
  /** Offers CollectDiagnosticData: a dump collection, not an event log; left out by default. */
  diagnostic: boolean;
}

interface Found {
  logs: LogService[];
  notes: string[];
}

/** Notes are odd data: warned once each (stderr) and kept for json. */
function noter(ctx: NodeContext, notes: string[]): (m: string) => void {
  return (m) => {
    notes.push(m);
    ctx.services.warn(`${ctx.node.name}: ${m}`);
  };
}

/** Every LogService of the System and of its Manager. */
export async function discoverLogs(client: RedfishClient, ctx: NodeContext): Promise<Found> {
  const notes: string[] = [];
  const note = noter(ctx, notes);
  const system = await client.system();
  const owners: Array<{ owner: 'System' | 'Manager'; doc: RedfishResource }> = [
    { owner: 'System', doc: system },
  ];
  const manager = await managerOf(client, system, note, (l) => ctx.services.debug?.(ctx.node.name, l));
  if (manager) owners.push({ owner: 'Manager', doc: manager });

  const features = featuresOf(client.root);
  const logs: LogService[] = [];
  for (const { owner, doc } of owners) {
    const collection = odataIdOf(doc.LogServices);
    if (!collection) continue;
    for (const svc of await logServiceDocs(client, collection, features, note)) {
      const path = svc['@odata.id'] ?? collection;
      const id = typeof svc.Id === 'string' && svc.Id ? svc.Id : lastSegment(path);
      const log: LogService = {
        label: id,
        id,
        owner,
        path,
        doc: svc,
        clearable: hasAction(svc, CLEAR_LOG),
        diagnostic: hasAction(svc, COLLECT_DIAGNOSTIC),
      };
      if (typeof svc.Name === 'string') log.name = svc.Name;
      const entries = odataIdOf(svc.Entries);
      if (entries) log.entries = entries;
      logs.push(log);
    }
  }
  // Two logs with one Id (System SEL and Manager SEL): qualify both so entry ids stay unambiguous.
  for (const log of logs) {
    if (logs.some((o) => o !== log && o.id.toLowerCase() === log.id.toLowerCase()))
      log.label = `${log.owner}:${log.id}`;
  }
  return { logs, notes };
}

/**
 * The Manager whose logs belong with the System: Links.ManagedBy (one GET), else the Managers
 * collection's best for logs (chooseManager: not Managers[0], which on some enclosures is an
 * auxiliary controller without LogServices). The choice is a --debug line.
 */
async function managerOf(
  client: RedfishClient,
  system: RedfishResource,
  note: (m: string) => void,
  debug: (line: string) => void,
): Promise<RedfishResource | undefined> {
  const managedBy = refList(isRecord(system.Links) ? system.Links.ManagedBy : undefined)[0];
  try {
    if (managedBy) {
      debug(`Manager ${managedBy} used for its logs: the System's Links.ManagedBy`);
      return await client.get(managedBy);
    }
    const collection = odataIdOf(client.root.Managers);
    if (!collection) {
      note("this service has no Managers collection; only the System's logs are read");
      return undefined;
    }
    const walk = await readMembers(client, collection);
    const docs = await Promise.all(walk.members.map((m) => (isLinkOnly(m) ? memberDoc(client, m, note) : m)));
    const chosen = chooseManager(
      docs.filter((d): d is RedfishResource => d !== undefined && errorBodyCode(d) === undefined),
      system,
      'LogServices',
    );
    if (!chosen) {
      note(`${collection} lists no Manager; only the System's logs are read`);
      return undefined;
    }
    debug(
      `Manager ${odataIdOf(chosen.manager) ?? '?'} used for its logs (of ${docs.length}; the System has no Links.ManagedBy): ${chosen.why}`,
    );
    return chosen.manager;
  } catch (e) {
    // An answer the BMC gave (404, 500, a malformed body) spares the System's logs; a lost BMC does not.
    if (!isNodeError(e) || (e.status === undefined && e.kind !== 'protocol' && e.kind !== 'unsupported'))
      throw e;
    const which = managedBy ? `Manager ${managedBy}` : 'the Manager';
    note(`${which} could not be read (${errorText(e)}); its logs are left out`);
    return undefined;
  }
}

/**
 * A Managers member read by its link; one the BMC answers with an HTTP error (a dangling link: Cray EX
 * lists a Manager MCU0 it answers 404 for) is a note and left out, so the other Managers' logs are read.
 */
async function memberDoc(
  client: RedfishClient,
  member: RedfishResource,
  note: (m: string) => void,
): Promise<RedfishResource | undefined> {
  const path = member['@odata.id']!;
  try {
    return await client.get(path);
  } catch (e) {
    if (!isNodeError(e) || e.status === undefined) throw e;
    note(leftOut(path, e, 'Managers member'));
    return undefined;
  }
}

/** The LogService resources of one collection: expanded in one request where offered, else one GET each. */
async function logServiceDocs(
  client: RedfishClient,
  collection: string,
  features: Features,
  note: (m: string) => void,
): Promise<RedfishResource[]> {
  let members: RedfishResource[] | undefined;
  if (features.expand) {
    try {
      const walk = await readMembers(client, withQuery(collection, '$expand', features.expand));
      members = walk.members;
    } catch (e) {
      if (!isNodeError(e) || e.kind === 'unreachable' || e.kind === 'timeout' || e.kind === 'interrupted')
        throw e;
      members = undefined; // a service that advertises $expand but refuses it: read plainly
    }
  }
  if (!members) {
    try {
      const walk = await readMembers(client, collection);
      const stop = describeStop(collection, walk);
      if (stop) note(stop);
      members = walk.members;
    } catch (e) {
      if (isNodeError(e) && e.status === 404) {
        note(leftOut(collection, e, 'LogServices link'));
        return [];
      }
      throw e;
    }
  }
  const docs: RedfishResource[] = [];
  for (const m of members) {
    if (!isLinkOnly(m)) {
      docs.push(m);
      continue;
    }
    const path = m['@odata.id']!;
    try {
      docs.push(await client.get(path));
    } catch (e) {
      if (!isNodeError(e) || e.status === undefined) throw e;
      note(leftOut(path, e, 'LogService link'));
    }
  }
  return docs;
}

/** The logs to act on: those named with --log (by Id or Name), else every log that is not a dump store. */
export function selectLogs(logs: readonly LogService[], names: readonly string[] | undefined): LogService[] {
  if (!names || names.length === 0) return logs.filter((l) => !l.diagnostic);
  const picked = new Set<LogService>();
  const missing: string[] = [];
  for (const name of names) {
    const n = name.toLowerCase();
    const hits = logs.filter(
      (l) => l.id.toLowerCase() === n || l.label.toLowerCase() === n || l.name?.toLowerCase() === n,
    );
    if (hits.length === 0) missing.push(name);
    for (const h of hits) picked.add(h);
  }
  if (missing.length > 0) {
    const have = logs.length > 0 ? logs.map((l) => l.label).join(', ') : 'none';
    throw new NodeError('failed', `No log service named ${missing.join(', ')} on this BMC (it has: ${have})`);
  }
  return logs.filter((l) => picked.has(l));
}

function logInfo(l: LogService, selected: boolean, entries?: number): LogInfo {
  const info: LogInfo = { id: l.label, owner: l.owner, path: l.path, clearable: l.clearable, selected };
  if (l.name !== undefined) info.name = l.name;
  if (entries !== undefined) info.entries = entries;
  return info;
}

// ------------------------------------------------------------------------------------------ entries

/** A LogEntry as an EventEntry; every field optional, nothing assumed. */
export function parseRedfishEntry(doc: RedfishResource, logLabel: string): EventEntry {
  const rawId: unknown = doc.Id;
  const id =
    typeof rawId === 'string' && rawId !== ''
      ? rawId
      : typeof rawId === 'number'
        ? String(rawId)
        : lastSegment(doc['@odata.id'] ?? '') || '?';
  const entry: EventEntry = { style: 'redfish', id: `${logLabel}/${id}`, log: logLabel };
  const created: unknown = doc.Created ?? doc.EventTimestamp;
  if (typeof created === 'string' && created !== '') {
    entry.created = created;
    const t = Date.parse(created);
    if (Number.isFinite(t)) entry.time = t;
  }
  for (const [key, prop] of [
    ['severity', 'Severity'],
    ['messageId', 'MessageId'],
    ['message', 'Message'],
    ['entryType', 'EntryType'],
    ['sensorType', 'SensorType'],
    ['entryCode', 'EntryCode'],
  ] as const) {
    const v: unknown = doc[prop];
    if (typeof v === 'string' && v !== '') entry[key] = v;
  }
  if (typeof doc.Resolved === 'boolean') entry.resolved = doc.Resolved;
  return entry;
}

type Order = 'asc' | 'desc' | 'unknown';

/** The order of a page's entries by Created: oldest first, newest first, or not telling. */
export function orderOf(members: readonly RedfishResource[]): Order {
  const times = members
    .map((m) => (typeof m.Created === 'string' ? Date.parse(m.Created) : NaN))
    .filter((t) => Number.isFinite(t));
  let up = false;
  let down = false;
  for (let i = 1; i < times.length; i++) {
    if (times[i]! > times[i - 1]!) up = true;
    if (times[i]! < times[i - 1]!) down = true;
  }
  if (up && !down) return 'asc';
  if (down && !up) return 'desc';
  return 'unknown';
}

interface LogRead {
  entries: EventEntry[];
  /** Entries in the log (Members@odata.count, else read). */
  total: number;
}

/**
 * Whether a log read in served order runs newest first: the first page's order when it is clear, else
 * the first and last entries with a time. Within a log the served order is kept (a BMC whose clock jumped
 * still lists entries in the order they happened); only its direction is normalised.
 */
function servedNewestFirst(firstPage: Order, entries: readonly EventEntry[]): boolean {
  if (firstPage !== 'unknown') return firstPage === 'desc';
  const timed = entries.filter((e) => e.time !== undefined);
  return timed.length > 1 && timed[0]!.time! > timed[timed.length - 1]!.time!;
}

/**
 * The entries of one log, oldest first. With `newest`, reads only as far as needed when the order is clear:
 * a log served newest first stops once N are in hand; one served oldest first jumps with `$skip` to the
 * last N (where the service pages with $skip or says it supports it).
 */
async function readLogEntries(
  client: RedfishClient,
  log: LogService,
  newest: number | undefined,
  features: Features,
  note: (m: string) => void,
): Promise<LogRead> {
  const path = log.entries;
  if (!path) {
    note(`${log.label}: LogService ${log.path} has no Entries link; no entries read`);
    return { entries: [], total: 0 };
  }
  let jumpTo: number | undefined;
  let firstPage: Order | undefined;
  const enough = (members: readonly RedfishResource[], w: WalkState): boolean => {
    firstPage ??= orderOf(members);
    if (newest === undefined) return false;
    if (w.pages === 1) {
      const skipOk = features.skip || /[?&]\$skip=/i.test(w.next);
      if (firstPage === 'asc' && skipOk && w.count !== undefined && w.count - newest > members.length) {
        jumpTo = w.count - newest;
        return true;
      }
    }
    return firstPage === 'desc' && members.length >= newest;
  };

  let walk;
  try {
    walk = await readMembers(client, path, { enough });
  } catch (e) {
    if (isNodeError(e) && e.status === 404) {
      note(`${log.label}: ${leftOut(path, e, 'Entries link', 'no entries read')}`);
      return { entries: [], total: 0 };
    }
    throw e;
  }
  firstPage ??= orderOf(walk.members);
  const stop = describeStop(path, walk);
  if (stop) note(`${log.label}: ${stop}`);
  if (walk.noMembers) note(`${log.label}: ${path} has no Members array; no entries read`);
  let members = walk.members;
  const total = walk.count ?? members.length;
  if (jumpTo !== undefined) {
    const tail = await readMembers(client, withQuery(path, '$skip', jumpTo));
    const tailStop = describeStop(path, tail);
    if (tailStop) note(`${log.label}: ${tailStop}`);
    members = tail.members;
  }
  members = await inlineMembers(client, path, members, features, note, log.label);
  const entries = members.map((m) => parseRedfishEntry(m, log.label));
  if (servedNewestFirst(firstPage, entries)) entries.reverse();
  const untimed = entries.filter((e) => e.time === undefined).length;
  if (untimed > 0)
    note(`${log.label}: ${untimed} entr${untimed === 1 ? 'y has' : 'ies have'} no usable Created time`);
  return { entries, total: Math.max(total, entries.length) };
}

/** Members that came as bare links: re-read the page expanded where offered, else one GET each. */
async function inlineMembers(
  client: RedfishClient,
  path: string,
  members: RedfishResource[],
  features: Features,
  note: (m: string) => void,
  label: string,
): Promise<RedfishResource[]> {
  if (!members.some(isLinkOnly)) return members;
  if (features.expand) {
    try {
      const expanded = await readMembers(client, withQuery(path, '$expand', features.expand));
      if (!expanded.members.some(isLinkOnly)) return expanded.members;
    } catch (e) {
      if (!isNodeError(e) || e.status === undefined) throw e;
    }
  }
  const out = await Promise.all(
    members.map(async (m) => {
      if (!isLinkOnly(m)) return m;
      const link = m['@odata.id']!;
      try {
        return await client.get(link);
      } catch (e) {
        if (!isNodeError(e) || e.status === undefined) throw e;
        note(`${label}: entry ${leftOut(link, e, 'link')}`);
        return undefined;
      }
    }),
  );
  // An entry answered with a Redfish error object (200 + {"error": ...}) is missing: one note for all.
  const errors = out.filter((m) => m !== undefined && errorBodyCode(m) !== undefined);
  if (errors.length > 0)
    note(
      `${label}: ${errors.length} entr${errors.length === 1 ? 'y' : 'ies'} answered with a Redfish error (${errorBodyCode(errors[0])}) instead of the entry; left out`,
    );
  return out.filter((m): m is RedfishResource => m !== undefined && errorBodyCode(m) === undefined);
}

// ------------------------------------------------------------------------------------------ executor

class RedfishEventlogExecutor implements EventlogExecutor {
  readonly capability = 'eventlog' as const;
  readonly flavor = 'redfish';

  validate(_op: string, raw: unknown, _group: GroupContext): void {
    const args = raw as EventlogArgs;
    if (args.op === 'resolve' && args.resolve?.kind === 'led') {
      throw new NodeError(
        'unsupported',
        'resolved=LED selects OpenBMC entries with a callout; on Redfish give entry ids (e.g. resolved=SEL/3)',
      );
    }
  }

  async listEntries(args: ListEntriesArgs, ctx: NodeContext): Promise<EntryListing> {
    const client = await redfishClient(ctx);
    const found = await discoverLogs(client, ctx);
    const note = noter(ctx, found.notes);
    const selected = selectLogs(found.logs, args.logs);
    if (found.logs.length === 0) note('neither the System nor its Manager offers a LogService');
    const features = featuresOf(client.root);
    const perLog: EventEntry[][] = [];
    const counts = new Map<LogService, number>();
    let total = 0;
    // One log after the other: the BMC's per-host request cap is shared anyway, and order is stable.
    for (const log of selected) {
      const read = await readLogEntries(client, log, args.newest, features, note);
      perLog.push(read.entries);
      counts.set(log, read.total);
      total += read.total;
    }
    const listing: EntryListing = {
      entries: mergeByTime(perLog),
      total,
      logs: found.logs.map((l) => logInfo(l, selected.includes(l), counts.get(l))),
    };
    if (found.notes.length > 0) listing.notes = found.notes;
    return listing;
  }

  async clearEntries(args: { logs?: string[] }, ctx: NodeContext): Promise<ClearOutcome> {
    const client = await redfishClient(ctx);
    const found = await discoverLogs(client, ctx);
    const selected = selectLogs(found.logs, args.logs);
    const clearable = selected.filter((l) => l.clearable);
    const skipped = selected.filter((l) => !l.clearable).map((l) => l.label);
    if (clearable.length === 0) {
      const have = selected.length > 0 ? selected.map((l) => l.label).join(', ') : 'none';
      throw new NodeError('unsupported', `No log here offers LogService.ClearLog (logs: ${have})`);
    }
    const cleared: string[] = [];
    const failures: string[] = [];
    for (const log of clearable) {
      try {
        await client.action(log.doc, CLEAR_LOG, {});
        cleared.push(log.label);
      } catch (e) {
        if (!isNodeError(e) || e.kind === 'interrupted') throw e;
        failures.push(`ClearLog on ${log.label} failed: ${e.message}`);
      }
    }
    if (failures.length > 0) {
      const done = cleared.length > 0 ? ` (cleared: ${cleared.join(', ')})` : '';
      throw new NodeError('failed', failures.join('; ') + done);
    }
    const out: ClearOutcome = { cleared };
    if (skipped.length > 0) out.skipped = skipped;
    if (found.notes.length > 0) out.notes = found.notes;
    return out;
  }

  async resolveEntries(
    args: { target: ResolveTarget; logs?: string[] },
    ctx: NodeContext,
  ): Promise<ResolveOutcome> {
    if (args.target.kind !== 'ids') {
      throw new NodeError('unsupported', 'resolved=LED applies to OpenBMC only; give entry ids');
    }
    const client = await redfishClient(ctx);
    const found = await discoverLogs(client, ctx);
    const logs = selectLogs(found.logs, args.logs).filter((l) => l.entries);
    const outcome: ResolveOutcome = { resolved: [], already: [], failed: [] };
    for (const id of args.target.ids) {
      const r = await resolveOne(client, logs, id);
      if (r === 'resolved') outcome.resolved.push(id);
      else if (r === 'already') outcome.already!.push(id);
      else outcome.failed.push(r);
    }
    return outcome;
  }
}

/** `SEL/3` names the log; a bare `3` is looked up in every log and must be in exactly one. */
function candidatesFor(logs: readonly LogService[], id: string): { logs: LogService[]; entryId: string } {
  const slash = id.lastIndexOf('/');
  if (slash > 0) {
    const name = id.slice(0, slash).toLowerCase();
    const named = logs.filter((l) => l.label.toLowerCase() === name || l.id.toLowerCase() === name);
    if (named.length > 0) return { logs: named, entryId: id.slice(slash + 1) };
  }
  return { logs: [...logs], entryId: id };
}

async function resolveOne(
  client: RedfishClient,
  logs: readonly LogService[],
  id: string,
): Promise<'resolved' | 'already' | ResolveFailure> {
  const c = candidatesFor(logs, id);
  const hits: Array<{ log: LogService; path: string; doc: RedfishResource; etag?: string }> = [];
  for (const log of c.logs) {
    const path = `${log.entries!.replace(/\/+$/, '')}/${encodeURIComponent(c.entryId)}`;
    try {
      const res = await client.read(path);
      if (!res.body) continue;
      const header = res.headers.etag;
      const etag = typeof header === 'string' && header ? header : res.body['@odata.etag'];
      hits.push({ log, path, doc: res.body, ...(typeof etag === 'string' && etag ? { etag } : {}) });
    } catch (e) {
      if (isNodeError(e) && e.status === 404) continue;
      if (isNodeError(e) && e.kind !== 'interrupted')
        return { id, kind: e.kind, message: `${id}: ${e.message}` };
      throw e;
    }
  }
  if (hits.length === 0) return { id, kind: 'failed', message: `Invalid ID: ${id}` };
  if (hits.length > 1) {
    const where = hits.map((h) => h.log.label).join(', ');
    return {
      id,
      kind: 'failed',
      message: `ID ${id} is in several logs (${where}): name one, e.g. resolved=${hits[0]!.log.label}/${c.entryId}`,
    };
  }
  const hit = hits[0]!;
  if (typeof hit.doc.Resolved !== 'boolean') {
    return {
      id,
      kind: 'unsupported',
      message: `${id}: the entries of ${hit.log.label} carry no Resolved property (nothing to resolve on this BMC)`,
    };
  }
  if (hit.doc.Resolved) return 'already';
  try {
    // No ETag known: send without If-Match ('' keeps the client from reading it again); a 428 makes it retry.
    const res = await client.patch(hit.path, { Resolved: true }, { etag: hit.etag ?? '' });
    const after = res.body && typeof res.body.Resolved === 'boolean' ? res.body : await client.get(hit.path);
    if (after.Resolved !== true) {
      return {
        id,
        kind: 'failed',
        message: `${id}: the BMC accepted Resolved=true but the entry still reads Resolved: ${String(after.Resolved)}`,
      };
    }
    return 'resolved';
  } catch (e) {
    if (!isNodeError(e) || e.kind === 'interrupted') throw e;
    // 405/501: the BMC shows Resolved but does not let clients set it.
    const kind = e.status === 405 || e.status === 501 ? 'unsupported' : e.kind;
    return { id, kind, message: `${id}: ${e.message}` };
  }
}

const executor: EventlogExecutor = new RedfishEventlogExecutor();
export default executor;
