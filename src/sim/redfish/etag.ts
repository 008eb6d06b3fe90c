/**
 * ETags of Redfish resources: a hash of the rendered document, so any change of state changes the
 * tag without bookkeeping. `If-Match` is compared on the opaque part (quotes and `W/` ignored),
 * since clients differ in how they echo tags back (ansible's strip_etag_quotes exists for that).
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from './json.js';

/** The opaque tag of a document (ignores an `@odata.etag` already in it). */
export function etagValue(doc: JsonObject): string {
  const { '@odata.etag': _ignored, ...rest } = doc;
  return createHash('sha1').update(JSON.stringify(rest)).digest('hex').slice(0, 12);
}

export function formatEtag(value: string, weak: boolean): string {
  return `${weak ? 'W/' : ''}"${value}"`;
}

function opaque(tag: string): string {
  return tag
    .trim()
    .replace(/^W\//i, '')
    .replace(/^"(.*)"$/, '$1');
}

/** True when an If-Match header value (possibly a list, or `*`) matches `current`. */
export function ifMatchSatisfied(header: string, current: string): boolean {
  const want = opaque(current);
  return header
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .some((t) => t === '*' || opaque(t) === want);
}
