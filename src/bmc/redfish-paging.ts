/**
 * Reading a Redfish collection page by page (`Members@odata.nextLink`, or the older `@odata.nextLink`),
 * with guards against services that page wrongly:
 *  - a nextLink already followed (the DMTF rackmount1 log points back at itself) stops the walk;
 *  - a page whose members were all seen before stops it too (the same page served under a new link);
 *  - once `Members@odata.count` members are in hand, a further nextLink is not followed;
 *  - a page limit bounds the walk whatever the service does.
 * Members are returned as found: inline resources or bare `{ "@odata.id" }` links.
 */
import type { RedfishClient, RedfishResource, RequestOptions } from './types.js';
import { isRecord } from './errors.js';

export const DEFAULT_MAX_PAGES = 1000;

export interface PageWalkOptions extends RequestOptions {
  /** Stop after this many pages (default 1000). */
  maxPages?: number;
  /**
   * Called before following a next link, with every member so far; true stops the walk (e.g. "I have
   * enough", or "I would rather jump ahead with $skip").
   */
  enough?: (members: readonly RedfishResource[], walk: WalkState) => boolean;
}

/** Where a walk is, for `enough`. */
export interface WalkState {
  /** `Members@odata.count` of the first page, when it is a number. */
  count?: number;
  /** The link the walk would follow next. */
  next: string;
  /** Pages read so far. */
  pages: number;
}

export type PageStop =
  /** A nextLink that was already followed. */
  | { reason: 'repeated-link'; link: string }
  /** A page that brought nothing new (every member already seen). */
  | { reason: 'repeated-members'; link: string }
  | { reason: 'page-limit'; link: string }
  | { reason: 'enough' };

export interface PagedMembers {
  /** The first page as served (Name, Members@odata.count, ...). */
  first: RedfishResource;
  /** Every distinct member, in the order served. */
  members: RedfishResource[];
  /** `Members@odata.count` of the first page, when it is a number. */
  count?: number;
  /** Pages read (requests made). */
  pages: number;
  /** Why the walk ended before the last page, when it did. */
  stopped?: PageStop;
  /** The first page has no `Members` array at all (not a collection, or a broken one). */
  noMembers?: boolean;
}

/** The next page's link, in either form, when it is a non-empty string. */
export function nextLinkOf(page: RedfishResource): string | undefined {
  const link: unknown = page['Members@odata.nextLink'] ?? page['@odata.nextLink'];
  return typeof link === 'string' && link.trim() !== '' ? link : undefined;
}

/** A link compared without scheme/host and without a trailing slash before the query. */
function linkKey(link: string): string {
  let s = link.trim();
  const abs = /^https?:\/\/[^/]+(\/.*)?$/i.exec(s);
  if (abs) s = abs[1] ?? '/';
  const q = s.indexOf('?');
  const path = (q < 0 ? s : s.slice(0, q)).replace(/\/+$/, '');
  return q < 0 ? path : path + s.slice(q);
}

/** What identifies a member across pages: its @odata.id, else its Id, else its whole text. */
function memberKey(m: RedfishResource): string {
  const id = m['@odata.id'];
  if (typeof id === 'string') return `@${linkKey(id)}`;
  if (typeof m.Id === 'string' || typeof m.Id === 'number') return `#${String(m.Id)}`;
  return `=${JSON.stringify(m)}`;
}

/** `path` with one query parameter added (e.g. `$skip=40`). */
export function withQuery(path: string, name: string, value: string | number): string {
  return `${path}${path.includes('?') ? '&' : '?'}${name}=${value}`;
}

/** Read a collection from `path`, following next links until the end or a guard stops the walk. */
export async function readMembers(
  client: RedfishClient,
  path: string,
  opts: PageWalkOptions = {},
): Promise<PagedMembers> {
  const maxPages = opts.maxPages ?? DEFAULT_MAX_PAGES;
  const reqOpts: RequestOptions = {};
  if (opts.timeoutMs !== undefined) reqOpts.timeoutMs = opts.timeoutMs;
  if (opts.headers) reqOpts.headers = opts.headers;

  const first = await client.get(path, reqOpts);
  const out: PagedMembers = { first, members: [], pages: 1 };
  if (typeof first['Members@odata.count'] === 'number') out.count = first['Members@odata.count'];
  if (!Array.isArray(first.Members)) out.noMembers = true;

  const followed = new Set<string>([linkKey(path)]);
  const seen = new Set<string>();
  const take = (page: RedfishResource): number => {
    let added = 0;
    for (const m of Array.isArray(page.Members) ? page.Members : []) {
      if (!isRecord(m)) continue;
      const key = memberKey(m);
      if (seen.has(key)) continue;
      seen.add(key);
      out.members.push(m);
      added++;
    }
    return added;
  };
  take(first);

  let page = first;
  for (;;) {
    const next = nextLinkOf(page);
    if (!next) return out;
    const state: WalkState = { next, pages: out.pages };
    if (out.count !== undefined) state.count = out.count;
    if (opts.enough?.(out.members, state)) {
      out.stopped = { reason: 'enough' };
      return out;
    }
    // Every member announced is here: a further link can only repeat something.
    if (out.count !== undefined && out.members.length >= out.count) return out;
    const key = linkKey(next);
    if (followed.has(key)) {
      out.stopped = { reason: 'repeated-link', link: next };
      return out;
    }
    if (out.pages >= maxPages) {
      out.stopped = { reason: 'page-limit', link: next };
      return out;
    }
    followed.add(key);
    page = await client.get(next, reqOpts);
    out.pages++;
    const pageMembers = Array.isArray(page.Members) ? page.Members.length : 0;
    if (take(page) === 0 && pageMembers > 0) {
      out.stopped = { reason: 'repeated-members', link: next };
      return out;
    }
  }
}

/** A sentence for a walk that ended early because of the service (undefined for `enough` or none). */
export function describeStop(path: string, walk: PagedMembers): string | undefined {
  const s = walk.stopped;
  if (!s || s.reason === 'enough') return undefined;
  const got = `${walk.members.length} member${walk.members.length === 1 ? '' : 's'} read in ${walk.pages} page${walk.pages === 1 ? '' : 's'}`;
  switch (s.reason) {
    case 'repeated-link':
      return `${path}: the next-page link ${s.link} repeats a page already read; stopped paging (${got})`;
    case 'repeated-members':
      return `${path}: the page at ${s.link} repeats members already read; stopped paging (${got})`;
    case 'page-limit':
      return `${path}: still more pages after ${walk.pages}; stopped paging (${got})`;
  }
}
