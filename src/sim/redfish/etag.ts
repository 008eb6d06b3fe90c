/**
 * ETags of Redfish resources: a hash of the rendered document, so any change of state changes the
 * tag without bookkeeping. `If-Match` is compared on the opaque part (quotes and `W/` ignored),
 * since clients differ in how they echo tags back (ansible's strip_etag_quotes exists for that).
 */
import { hashString } from '../prng.js';
import type { JsonObject } from './json.js';

/** The opaque tag of a document (ignores an `@odata.etag` already in it). */
export function etagValue(doc: JsonObject): string {
  const { '@odata.etag': _ignored, ...rest } = doc;
  // Two FNV-1a passes (64 bits): a change detector, not a security boundary, and an expanded
  // collection tags every member, so a cryptographic hash here was a tenth of the simulator's CPU.
  const text = JSON.stringify(rest);
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return hex(hashString(text)) + hex(hashString(text, 0x9747b28c)).slice(0, 4);
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
