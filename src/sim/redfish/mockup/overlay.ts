/**
 * PATCH of a served capture's writable properties. What is writable comes from the DMTF schema of the
 * document's type (writable.ts, generated from the schema bundle); what exists comes from the capture
 * (a property the BMC did not show is unknown to it, as on the real service). Accepted values are kept
 * per BMC on top of the captured document, so GET and the ETag show them.
 */
import { patchArrayProperty } from '../array-patch.js';
import type { ErrorFactory } from '../errors.js';
import { isObject, strings, type Json, type JsonObject } from '../json.js';
import { WRITABLE } from './writable.js';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function jsonType(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** The schema namespace of a document (`#ComputerSystem.v1_5_0.ComputerSystem` → `ComputerSystem`). */
export function typeName(doc: JsonObject): string | undefined {
  const t = doc['@odata.type'];
  return typeof t === 'string' ? t.replace(/^#/, '').split('.')[0] : undefined;
}

export class WritableOverlay {
  private readonly byPath = new Map<string, JsonObject>();

  constructor(private readonly errors: ErrorFactory) {}

  /** The captured document with this BMC's accepted changes on top. */
  apply(path: string, doc: JsonObject): JsonObject {
    const over = this.byPath.get(path);
    if (!over) return doc;
    const out: JsonObject = { ...doc };
    for (const [k, v] of Object.entries(over)) {
      const base = out[k];
      out[k] = isObject(v) && isObject(base) ? { ...base, ...v } : v;
    }
    return out;
  }

  /** Whether a PATCH of `body` could touch anything on this document (the node takes PATCH). */
  accepts(doc: JsonObject): boolean {
    const w = WRITABLE[typeName(doc) ?? ''];
    return w !== undefined && Object.keys(w).some((k) => k in doc);
  }

  /** Validates `body` against `doc` (the current document); returns a commit function. All or nothing. */
  check(path: string, doc: JsonObject, body: JsonObject): () => void {
    const w = WRITABLE[typeName(doc) ?? ''] ?? {};
    // What is kept: the body's values, with array properties already patched over the current arrays.
    const changes: JsonObject = {};
    for (const [k, v] of Object.entries(body)) {
      const rule = w[k];
      if (!(k in doc)) throw this.errors.error('PropertyUnknown', [k], { related: [`#/${k}`] });
      if (rule === undefined) throw this.errors.error('PropertyNotWritable', [k], { related: [`#/${k}`] });
      if (rule === true) changes[k] = this.checkValue(doc, k, v, k);
      else {
        const current = doc[k];
        if (!isObject(v) || !isObject(current))
          throw this.errors.error('PropertyValueTypeError', [JSON.stringify(v), k], { related: [`#/${k}`] });
        const sub: JsonObject = {};
        for (const [sk, sv] of Object.entries(v)) {
          const where = `${k}/${sk}`;
          if (!(sk in current))
            throw this.errors.error('PropertyUnknown', [where], { related: [`#/${where}`] });
          if (!rule.includes(sk))
            throw this.errors.error('PropertyNotWritable', [where], { related: [`#/${where}`] });
          sub[sk] = this.checkValue(current, sk, sv, where);
        }
        changes[k] = sub;
      }
    }
    return () => {
      const over = { ...(this.byPath.get(path) ?? {}) };
      for (const [k, v] of Object.entries(changes)) {
        const prev = over[k];
        over[k] = isObject(v) && isObject(prev) ? { ...prev, ...v } : v;
      }
      this.byPath.set(path, over);
    };
  }

  /**
   * Same JSON type as captured (null captured: anything but an object), and in its AllowableValues;
   * returns the value to keep. An array is a DSP0266 array PATCH over the current one, its elements of
   * the JSON types the current elements have (any type but null when it is empty).
   */
  private checkValue(owner: JsonObject, k: string, v: Json, where: string): Json {
    const captured = owner[k] as Json;
    if (Array.isArray(captured) && Array.isArray(v)) {
      const types = new Set(captured.map(jsonType));
      const accept = (x: Json): x is Json => (types.size === 0 ? x !== null : types.has(jsonType(x)));
      return patchArrayProperty(this.errors, k, `#/${where}`, captured, v, accept);
    }
    const ok =
      captured === null
        ? !isObject(v)
        : jsonType(v) === jsonType(captured) || (v === null && !isObject(captured));
    if (!ok)
      throw this.errors.error('PropertyValueTypeError', [JSON.stringify(v), k], { related: [`#/${where}`] });
    // A date-time stays one (the schemas' `format: date-time`, which the table does not carry).
    if (
      typeof captured === 'string' &&
      ISO_DATE_TIME.test(captured) &&
      typeof v === 'string' &&
      !ISO_DATE_TIME.test(v)
    )
      throw this.errors.error('PropertyValueFormatError', [v, k], { related: [`#/${where}`] });
    const allowed = strings(owner, `${k}@Redfish.AllowableValues`);
    if (allowed && typeof v === 'string' && !allowed.includes(v))
      throw this.errors.error('PropertyValueNotInList', [v, k], { related: [`#/${where}`] });
    return v;
  }
}
