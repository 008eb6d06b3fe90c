/**
 * Economical Redfish reads for commands that walk trees (rinv, rvitals): `$expand` where the service
 * root's ProtocolFeaturesSupported offers it, collection paging with a guard against looping
 * nextLinks, member reads otherwise, and a per-node list of notes for odd data (dangling links, empty
 * or malformed collections) instead of failing the node.
 *
 * Built on RedfishClient.get only: sessions, TLS, retries and the per-BMC in-flight cap stay where they
 * are. Member reads go out a few at a time (READ_CONCURRENCY); the transport's cap applies on top.
 */
import { NodeError, isNodeError } from '../core/errors.js';
import type { NodeDef } from '../core/types.js';
import type { NodeContext } from '../engine/executor.js';
import { isRecord } from './errors.js';
import { redfishClient } from './index.js';
import { severalSystems, systemNotFound } from './redfish.js';
import {
  chooseManager,
  lastSegment,
  managerHas,
  odataIdOf,
  samePath,
  type ManagerNeed,
} from './redfish-topology.js';
import type { RedfishClient, RedfishResource } from './types.js';

/** Most pages followed in one collection, whatever the nextLinks say. */
export const MAX_PAGES = 1000;

/** A resource body rather than a bare reference: it has a property that is not an `@odata.` annotation. */
export function isResolved(v: unknown): v is RedfishResource {
  return isRecord(v) && Object.keys(v).some((k) => !k.startsWith('@odata.'));
}

/**
 * How deep this service expands with `$expand=.`: 0 = not at all, 1 = `$expand=.` without `$levels`,
 * n = up to `$levels=n`. `.` (subordinate resources, no Links) is what NoLinks advertises.
 */
export function expandLevelsOf(root: RedfishResource): number {
  const features = root.ProtocolFeaturesSupported;
  if (!isRecord(features)) return 0;
  const e = features.ExpandQuery;
  if (!isRecord(e) || e.NoLinks !== true) return 0;
  if (e.Levels !== true) return 1;
  const max = e.MaxLevels;
  return typeof max === 'number' && Number.isInteger(max) && max >= 1 ? max : 1;
}

/** `path` with `$expand=.` for `levels` levels (no `$levels` for one: every expanding service takes that). */
export function withExpand(path: string, levels: number): string {
  const hash = path.indexOf('#');
  const base = hash >= 0 ? path.slice(0, hash) : path;
  const q = levels > 1 ? `$expand=.($levels=${levels})` : '$expand=.';
  return `${base}${base.includes('?') ? '&' : '?'}${q}`;
}

/**
 * A Redfish error object served where a resource was expected (some BMCs answer 200 with
 * `{"error":{"code":"Base.1.x.ResourceMissingAtURI",...}}` for a member they list but do not have).
 * Its message id (`ResourceMissingAtURI`), or undefined when the body is a resource.
 */
export function errorBodyCode(v: unknown): string | undefined {
  if (!isRecord(v) || !isRecord(v.error)) return undefined;
  // A resource that happens to have an `error` property still has its own identity.
  if (typeof v['@odata.type'] === 'string' && !v['@odata.type'].includes('RedfishError')) return undefined;
  const e = v.error;
  const info = Array.isArray(e['@Message.ExtendedInfo']) ? e['@Message.ExtendedInfo'][0] : undefined;
  const id = isRecord(info) && typeof info.MessageId === 'string' ? info.MessageId : e.code;
  const code = typeof id === 'string' && id !== '' ? id : 'error';
  return code.split('.').pop() ?? code;
}

/** Errors that concern one resource (a note, the node goes on) rather than the BMC or the session. */
function isSoft(e: unknown): e is NodeError {
  if (!isNodeError(e)) return false;
  if (e.kind === 'http' || e.kind === 'unsupported' || e.kind === 'protocol') return true;
  return e.status === 403; // not allowed to read this one resource
}

/**
 * Reads one node's command has in flight at once. The transport caps requests per BMC anyway (default
 * 2); this keeps the queue short, so a thousand-member collection does not park a thousand waiters
 * (and their abort listeners) on the node's signal.
 */
/** A resource the command cannot do without came as a Redfish error body (a 200 with `error`). */
function errorBodyInstead(path: string): NodeError {
  return new NodeError('protocol', `${path} answered with a Redfish error body instead of the resource`);
}

export const READ_CONCURRENCY = 4;

/** Statuses with which a service refuses the query itself (then the plain GET is tried). */
const QUERY_REFUSED = new Set([400, 405, 406, 500, 501]);

export interface ReaderOptions {
  /** Use `$expand` when the service offers it (default true). */
  expand?: boolean;
  /** Most pages followed in one collection (default MAX_PAGES). */
  maxPages?: number;
  /** Debug lines (`--debug`). */
  debug?: (line: string) => void;
}

export interface FetchOptions {
  /** Wanted `$expand` depth below the resource (0: plain GET). Capped by what the service offers. */
  levels?: number;
  /** Failures throw instead of becoming a note (the resource the command cannot do without). */
  required?: boolean;
  /** What it is, for notes (`Memory member`). */
  what?: string;
}

export interface MembersOptions {
  /** Depth wanted below each member. */
  levels?: number;
  /** What it is, for notes. */
  what?: string;
  /** Failures throw instead of becoming a note. */
  required?: boolean;
  /** Members (by @odata.id) not to read: the caller has them from elsewhere. */
  skip?: (id: string) => boolean;
}

/**
 * Reads for one node's command. Not shared between nodes. `notes` collects what was skipped and why,
 * in the order it happened, each once.
 */
export class RedfishReader {
  /** Every System of the BMC, once readSystem has read them (for choosing a System's chassis). */
  systems: RedfishResource[] = [];
  private readonly noteList: string[] = [];
  /** Paths a soft failure left unread (already noted): an empty answer for them is not "empty". */
  private readonly skippedPaths = new Set<string>();
  /** Error bodies served as 200, by what was read and message id: one note each, with a count. */
  private readonly errorBodies = new Map<string, { what: string; code: string; paths: string[] }>();
  private maxLevels: number;
  /** Reference properties this service does not expand with `.` (not worth asking again). */
  private readonly notExpanded = new Set<string>();
  private readonly debug: (line: string) => void;
  private readonly maxPages: number;

  constructor(
    readonly client: RedfishClient,
    opts: ReaderOptions = {},
  ) {
    this.maxLevels = opts.expand === false ? 0 : expandLevelsOf(client.root);
    this.maxPages = opts.maxPages ?? MAX_PAGES;
    this.debug = opts.debug ?? (() => undefined);
  }

  /** A `--debug` line attributed to the node (choices made, not requests: those the transport prints). */
  debugLine(line: string): void {
    this.debug(line);
  }

  /** Current `$expand` depth (0 once the service has refused or ignored it). */
  get expandLevels(): number {
    return this.maxLevels;
  }

  private active = 0;
  private readonly waiting: Array<() => void> = [];

  /** GET through the reader's own cap (READ_CONCURRENCY). */
  private async get(path: string): Promise<unknown> {
    if (this.active >= READ_CONCURRENCY) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await this.client.get<unknown>(path);
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  /** What was skipped and why, each once; error bodies folded into one line per kind of member. */
  get notes(): string[] {
    const folded = [...this.errorBodies.values()].map(({ what, code, paths }) => {
      const n = paths.length;
      const which = n === 1 ? paths[0]! : `${n} of them, e.g. ${paths[0]!}`;
      return `${what}: the BMC answered with a Redfish error (${code}) instead of the resource (${which}); treated as missing`;
    });
    return [...this.noteList, ...folded];
  }

  /** True when `path` could not be read (its note already says why). */
  skipped(path: string): boolean {
    return this.skippedPaths.has(path);
  }

  note(message: string): void {
    if (!this.noteList.includes(message)) this.noteList.push(message);
  }

  /** GET a resource, expanded to `levels` where possible. Soft failures: a note and undefined. */
  async fetch(path: string, opts: FetchOptions = {}): Promise<RedfishResource | undefined> {
    const levels = Math.min(opts.levels ?? 0, this.maxLevels);
    try {
      if (levels > 0) {
        try {
          const expanded = this.body(await this.get(withExpand(path, levels)), path, opts.what);
          if (!expanded && opts.required) throw errorBodyInstead(path);
          return expanded;
        } catch (e) {
          if (!(isNodeError(e) && e.status !== undefined && QUERY_REFUSED.has(e.status))) throw e;
          // The service advertises $expand but refuses it: plain reads from now on.
          this.debug(`$expand refused on ${path} (${e.message}): reading members one by one`);
          this.maxLevels = 0;
        }
      }
      const body = this.body(await this.get(path), path, opts.what);
      if (!body && opts.required) throw errorBodyInstead(path);
      return body;
    } catch (e) {
      if (opts.required || !isSoft(e)) throw e;
      this.note(`${opts.what ? `${opts.what} ` : ''}${path} skipped: ${e.message}`);
      this.skippedPaths.add(path);
      return undefined;
    }
  }

  private body(v: unknown, path: string, what?: string): RedfishResource | undefined {
    const code = errorBodyCode(v);
    if (code !== undefined) {
      const kind = what ?? 'resource';
      const key = `${kind}\0${code}`;
      const seen = this.errorBodies.get(key) ?? { what: kind, code, paths: [] };
      if (!seen.paths.includes(path)) seen.paths.push(path);
      this.errorBodies.set(key, seen);
      return undefined;
    }
    if (!isRecord(v)) {
      throw new NodeError('protocol', `Received wrong format response: ${path} is not a JSON object`);
    }
    return v;
  }

  /**
   * A navigation property of `parent` (e.g. `Processors`): the inline body when the parent came
   * expanded, else a GET. Absent or not a reference: undefined, without a note (callers decide).
   */
  async follow(
    parent: RedfishResource,
    prop: string,
    opts: FetchOptions = {},
  ): Promise<RedfishResource | undefined> {
    const v = parent[prop];
    if (isResolved(v)) return v;
    const id = odataIdOf(v);
    if (!id) return undefined;
    return this.fetch(id, { what: opts.what ?? prop, ...opts });
  }

  /**
   * Every member of a collection, resolved, in order, each once: all pages (Members@odata.nextLink or
   * @odata.nextLink, stopping at a link already followed), members expanded by the service where it
   * can, otherwise read one by one (together: the transport caps them per BMC). A member that cannot
   * be read (a dangling link) is a note. `levels` is the depth wanted below each member.
   */
  async members(collection: RedfishResource | string, opts: MembersOptions = {}): Promise<RedfishResource[]> {
    const below = opts.levels ?? 0;
    const what = opts.what ?? 'collection';
    let page: RedfishResource | undefined;
    let pagePath: string | undefined;
    let expanded = false;
    if (typeof collection === 'string') {
      pagePath = collection;
      expanded = this.maxLevels > 0;
      page = await this.fetch(collection, { levels: 1 + below, what, required: opts.required === true });
    } else {
      page = collection;
      pagePath = odataIdOf(collection);
    }
    const out: RedfishResource[] = [];
    const seenMembers = new Set<string>();
    const listed = new Set<string>();
    const seenPages = new Set<string>();
    const required = opts.required === true;
    let pages = 0;
    while (page) {
      pages++;
      if (pagePath) seenPages.add(pagePath.replace(/\/+$/, ''));
      // A later page that lists only members already listed: a nextLink going round in disguise.
      const ids = Array.isArray(page.Members)
        ? page.Members.map(odataIdOf).filter((x) => x !== undefined)
        : [];
      if (pages > 1 && ids.length > 0 && ids.every((id) => listed.has(id))) {
        this.note(`${what} ${pagePath ?? ''}: this page repeats members already listed; paging stopped`);
        break;
      }
      for (const id of ids) listed.add(id);
      const resolved = await this.pageMembers(page, pagePath, expanded, below, what, required, opts.skip);
      for (const m of resolved) {
        const id = odataIdOf(m);
        if (id !== undefined) {
          if (seenMembers.has(id)) continue;
          seenMembers.add(id);
        }
        out.push(m);
      }
      const link: unknown = page['Members@odata.nextLink'] ?? page['@odata.nextLink'];
      if (typeof link !== 'string' || link === '') break;
      if (seenPages.has(link.replace(/\/+$/, ''))) {
        this.note(
          `${what} ${pagePath ?? ''}: its nextLink ${link} repeats a page already read; paging stopped`,
        );
        break;
      }
      if (pages >= this.maxPages) {
        this.note(`${what} ${pagePath ?? ''}: more than ${this.maxPages} pages; paging stopped`);
        break;
      }
      pagePath = link;
      expanded = this.maxLevels > 0;
      page = await this.fetch(link, { levels: 1 + below, what: `${what} page`, required });
    }
    return out;
  }

  /** The members of one page, resolved: inline bodies as they are, references read. */
  private async pageMembers(
    page: RedfishResource,
    pagePath: string | undefined,
    alreadyExpanded: boolean,
    below: number,
    what: string,
    required: boolean,
    skip?: (id: string) => boolean,
  ): Promise<RedfishResource[]> {
    const list = page.Members;
    if (list === undefined) {
      this.note(`${what} ${pagePath ?? ''} has no Members`);
      return [];
    }
    if (!Array.isArray(list)) {
      this.note(`${what} ${pagePath ?? ''}: Members is not a list`);
      return [];
    }
    // Members the caller has from elsewhere (e.g. a Thermal reading naming its Sensor) are not read.
    let members: unknown[] = skip
      ? list.filter((m) => {
          const id = odataIdOf(m);
          return id === undefined || !skip(id);
        })
      : list;
    const unresolved = () => members.filter((m) => !isResolved(m)).length;
    if (alreadyExpanded && members.length > 0 && unresolved() === members.length && this.maxLevels > 0) {
      // Asked for expansion and got only references: the service ignores $expand. Stop asking.
      // (Some references among bodies are dangling links: the service left what it could not expand.)
      this.debug(`$expand ignored on ${pagePath ?? what}: reading members one by one`);
      this.maxLevels = 0;
    }
    if (
      !alreadyExpanded &&
      unresolved() > 1 &&
      unresolved() === members.length &&
      this.maxLevels > 0 &&
      pagePath
    ) {
      // One expanded read of the page instead of a read per member.
      const again = await this.fetch(pagePath, { levels: 1 + below, what, required });
      if (again && Array.isArray(again.Members))
        members = skip
          ? again.Members.filter((m) => {
              const id = odataIdOf(m);
              return id === undefined || !skip(id);
            })
          : again.Members;
    }
    return this.resolveAll(members, `${what} member`, below, required);
  }

  /**
   * The members of the collection `parent[prop]` links (e.g. a System's `Processors`), whether it came
   * inline or as a reference. No such property: an empty list, without a note.
   */
  async membersOf(
    parent: RedfishResource,
    prop: string,
    opts: MembersOptions = {},
  ): Promise<RedfishResource[]> {
    const v = parent[prop];
    const what = opts.what ?? prop;
    if (isResolved(v)) return this.members(v, { ...opts, what });
    const id = odataIdOf(v);
    return id ? this.members(id, { ...opts, what }) : [];
  }

  /**
   * Resolve a list of references (e.g. a Storage's `Drives`): inline bodies kept, references read
   * together. Entries that are neither are a note.
   */
  async resolveAll(
    refs: readonly unknown[],
    what: string,
    levels = 0,
    required = false,
  ): Promise<RedfishResource[]> {
    const reads = refs.map(async (m): Promise<RedfishResource | undefined> => {
      if (errorBodyCode(m) !== undefined) {
        if (required) throw errorBodyInstead(odataIdOf(m) ?? `${what} (inline)`);
        return this.body(m, odataIdOf(m) ?? '(inline)', what);
      }
      if (isResolved(m)) return m;
      const id = odataIdOf(m);
      if (!id) {
        this.note(`${what}: an entry without @odata.id was ignored`);
        return undefined;
      }
      return this.fetch(id, { levels, what, required });
    });
    return (await Promise.all(reads)).filter((r): r is RedfishResource => r !== undefined);
  }

  /**
   * The references in `parent[prop]` (an array), resolved. When more than one is unresolved and the
   * service expands, one expanded read of the parent replaces a read per reference.
   */
  async refs(parent: RedfishResource, prop: string, what: string): Promise<RedfishResource[]> {
    const given = parent[prop];
    if (!Array.isArray(given)) return [];
    let list: unknown[] = given;
    const parentPath = odataIdOf(parent);
    const unresolved = list.filter((m) => !isResolved(m)).length;
    if (
      unresolved > 1 &&
      unresolved === list.length &&
      this.maxLevels > 0 &&
      parentPath &&
      !this.notExpanded.has(prop)
    ) {
      const again = await this.fetch(parentPath, { levels: 1, what });
      if (again && Array.isArray(again[prop])) {
        list = again[prop];
        // Services expand only subordinate resources with `.`; some do not count these among them.
        if (!list.some(isResolved)) this.notExpanded.add(prop);
      }
    }
    return this.resolveAll(list, what);
  }
}

/** The reader of a node's BMC: its Redfish session, with `--debug` lines attributed to the node. */
export async function nodeReader(ctx: NodeContext): Promise<RedfishReader> {
  const client = await redfishClient(ctx);
  return new RedfishReader(client, { debug: (l) => ctx.services.debug?.(ctx.node.name, l) });
}

// ---------------------------------------------------------------------------------------------
// Systems and Managers without the client's extra reads

/**
 * UpdateService's FirmwareInventory members: UpdateService and its members in one read where `$expand`
 * allows (rinv's firmware, rflash's list). Soft (rinv): what is missing or unreadable becomes a note.
 * `required` (rflash): no UpdateService is `unsupported`, an unreadable member fails the node (a list
 * that silently lacked an image would mislead -a ID and --delete).
 */
export async function readFirmwareInventory(
  reader: RedfishReader,
  required = false,
): Promise<RedfishResource[]> {
  const updatePath = odataIdOf(reader.client.root.UpdateService);
  if (!updatePath) {
    if (required)
      throw new NodeError('unsupported', 'This Redfish service has no UpdateService: no firmware update');
    reader.note('this service has no UpdateService: firmware inventory not available');
    return [];
  }
  const update = await reader.fetch(updatePath, { levels: 2, what: 'UpdateService', required });
  if (!update) return [];
  if (update.FirmwareInventory === undefined) {
    reader.note(`${updatePath} has no FirmwareInventory`);
    return [];
  }
  return reader.membersOf(update, 'FirmwareInventory', { what: 'FirmwareInventory', required });
}

/** The Systems collection path from the service root. */
export function collectionPath(root: RedfishResource, name: 'Systems' | 'Chassis' | 'Managers'): string {
  const id = odataIdOf(root[name]);
  if (!id)
    throw new NodeError('unsupported', `This Redfish service has no ${name} collection in its service root`);
  return id;
}

/**
 * The node's ComputerSystem, read with the Systems collection in one request where `$expand` allows
 * (`levels` below the system: 2 brings Processors/Memory/... members along). Same choice as the client:
 * `node.system` picks by last path segment, path or Id; several systems and none chosen is an error.
 */
export async function readSystem(
  reader: RedfishReader,
  node: Pick<NodeDef, 'system'>,
  levels = 0,
): Promise<RedfishResource> {
  const path = collectionPath(reader.client.root, 'Systems');
  const systems = await reader.members(path, { levels, what: 'Systems', required: true });
  if (systems.length === 0) {
    throw new NodeError('unsupported', 'This BMC exposes no ComputerSystem (Systems collection is empty)');
  }
  const ids = systems.map((s) => odataIdOf(s) ?? String(s.Id ?? '?'));
  const want = node.system;
  reader.systems = systems;
  if (want !== undefined) {
    const found = systems.find((s) => {
      const id = odataIdOf(s);
      return (id !== undefined && (lastSegment(id) === want || samePath(id, want))) || s.Id === want;
    });
    if (found) return found;
    throw systemNotFound(want, ids);
  }
  if (systems.length > 1) {
    throw severalSystems(ids);
  }
  return systems[0]!;
}

/**
 * The Manager of a system for a command needing `need`: Links.ManagedBy, else the best of the
 * Managers collection (chooseManager). The choice is a `--debug` line. Soft: undefined + note.
 */
export async function readManager(
  reader: RedfishReader,
  system: RedfishResource | undefined,
  need: ManagerNeed = 'FirmwareVersion',
): Promise<RedfishResource | undefined> {
  const links = isRecord(system?.Links) ? system.Links.ManagedBy : undefined;
  const linked = Array.isArray(links) ? links : [];
  if (linked.length > 0) {
    const docs = await reader.resolveAll(linked, 'Manager');
    const pick = docs.find((d) => managerHas(d, need)) ?? docs[0];
    if (pick) {
      reader.debugLine(`Manager ${odataIdOf(pick) ?? '?'} used: the System's Links.ManagedBy`);
      return pick;
    }
  }
  const path = odataIdOf(reader.client.root.Managers);
  if (!path) {
    reader.note('this service has no Managers collection');
    return undefined;
  }
  const managers = await reader.members(path, { what: 'Managers' });
  const chosen = chooseManager(managers, system, need);
  if (!chosen) {
    if (!reader.skipped(path)) reader.note('the Managers collection is empty');
    return undefined;
  }
  reader.debugLine(
    `Manager ${odataIdOf(chosen.manager) ?? '?'} used (of ${managers.length}; the System has no Links.ManagedBy): ${chosen.why}`,
  );
  return chosen.manager;
}

/** The Chassis collection's members, resolved (`levels` below each chassis: 2 brings sensors along). */
export async function readChassis(reader: RedfishReader, levels = 0): Promise<RedfishResource[]> {
  const path = collectionPath(reader.client.root, 'Chassis');
  return reader.members(path, { levels, what: 'Chassis' });
}
