/** JSON value types for Redfish documents, and small helpers to narrow parsed request bodies. */

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `{ "@odata.id": path }`: a Redfish reference. */
export function ref(path: string): JsonObject {
  return { '@odata.id': path };
}

/** True for an object whose only property is `@odata.id` (what `$expand` replaces). */
export function isRef(v: unknown): v is { '@odata.id': string } {
  if (!isObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && keys[0] === '@odata.id' && typeof v['@odata.id'] === 'string';
}

/** Reads `obj[key]` as a string when it is one. */
export function str(obj: JsonObject | undefined, key: string): string | undefined {
  const v = obj?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** Reads `obj[key]` as an object when it is one. */
export function obj(o: JsonObject | undefined, key: string): JsonObject | undefined {
  const v = o?.[key];
  return isObject(v) ? v : undefined;
}

/** Reads `obj[key]` as an array of strings (non-strings dropped), or undefined. */
export function strings(o: JsonObject | undefined, key: string): string[] | undefined {
  const v = o?.[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

/** Milliseconds since the epoch as a Redfish DateTime with a `+00:00` offset and no milliseconds. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
