/**
 * Redfish query parameters on GET: `$expand` (with `$levels`), `$top` and `$skip` paging of
 * collections with `Members@odata.nextLink`.
 */
import type { ErrorFactory } from './errors.js';
import { isObject, isRef, type Json, type JsonObject } from './json.js';
import type { ExpandSupport } from './personalities.js';

export interface ExpandRequest {
  /** `.` subordinate resources, `~` Links only, `*` both. */
  mode: '.' | '~' | '*';
  levels: number;
}

/**
 * Parses `$expand=.`, `*`, `~`, optionally with `($levels=n)`. Returns undefined when absent.
 * Throws QueryNotSupported when the service does not advertise ExpandQuery, and a 400 for values
 * it cannot parse or levels beyond MaxLevels.
 */
export function parseExpand(
  query: URLSearchParams,
  support: ExpandSupport | false,
  errors: ErrorFactory,
): ExpandRequest | undefined {
  const raw = query.get('$expand');
  if (raw === null) return undefined;
  if (!support) throw errors.error('QueryNotSupported');
  const m = /^([.~*])(?:\(\$levels=(\d+)\))?$/.exec(raw.trim());
  if (!m) throw errors.error('QueryParameterValueTypeError', [raw, '$expand']);
  const mode = m[1] as ExpandRequest['mode'];
  if ((mode === '~' || mode === '*') && !support.links) throw errors.error('QueryNotSupported');
  const levels = m[2] === undefined ? 1 : Number(m[2]);
  if (levels < 1 || levels > support.maxLevels)
    throw errors.error('QueryParameterOutOfRange', [String(levels), '$levels', `1-${support.maxLevels}`]);
  return { mode, levels };
}

/**
 * Replaces references by the documents they point to, `levels` deep. A reference that does not
 * resolve (a dangling link in a capture) stays a reference.
 */
export function expandDocument(
  doc: JsonObject,
  req: ExpandRequest,
  resolve: (path: string) => JsonObject | undefined,
): JsonObject {
  const walk = (value: Json, level: number, inLinks: boolean): Json => {
    if (isRef(value)) {
      const target = value['@odata.id'];
      const wanted = inLinks ? req.mode !== '.' : req.mode !== '~';
      if (wanted && level <= req.levels && !target.includes('#')) {
        const found = resolve(target);
        if (found) return walkObject(found, level + 1, false);
      }
      return value;
    }
    if (Array.isArray(value)) return value.map((v) => walk(v, level, inLinks));
    if (isObject(value)) return walkObject(value, level, inLinks);
    return value;
  };
  const walkObject = (o: JsonObject, level: number, inLinks: boolean): JsonObject => {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(o)) out[k] = walk(v, level, inLinks || k === 'Links');
    return out;
  };
  return walkObject(doc, 1, false);
}

export interface PageRequest {
  top: number | undefined;
  skip: number;
}

function nonNegativeInt(query: URLSearchParams, name: string, errors: ErrorFactory): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw.trim())) throw errors.error('QueryParameterValueTypeError', [raw, name]);
  return Number(raw.trim());
}

export function parsePaging(query: URLSearchParams, errors: ErrorFactory): PageRequest {
  return { top: nonNegativeInt(query, '$top', errors), skip: nonNegativeInt(query, '$skip', errors) ?? 0 };
}

/**
 * Pages `Members` of a collection document: `skip`, then `top` (or the default page size). Adds
 * `Members@odata.nextLink` when members remain; `Members@odata.count` stays the total.
 */
export function pageCollection(
  doc: JsonObject,
  path: string,
  page: PageRequest,
  defaultPageSize: number | undefined,
): JsonObject {
  const members = doc.Members;
  if (!Array.isArray(members)) return doc;
  const size = page.top ?? defaultPageSize;
  if (page.skip === 0 && (size === undefined || members.length <= size)) return doc;
  const end = size === undefined ? members.length : page.skip + size;
  const out: JsonObject = {
    ...doc,
    Members: members.slice(page.skip, end),
    'Members@odata.count': members.length,
  };
  delete out['Members@odata.nextLink'];
  if (end < members.length) {
    const top = page.top === undefined ? '' : `&$top=${page.top}`;
    out['Members@odata.nextLink'] = `${path}?$skip=${end}${top}`;
  }
  return out;
}
