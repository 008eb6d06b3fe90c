/**
 * PATCH of an array property as DSP0266 ("PATCH on array properties") defines it: the request's array
 * is laid over the current one index by index, where
 *  - a value replaces the element at that index (or appends one past the end),
 *  - `null` removes the element at that index,
 *  - `{}` leaves the element at that index as it is,
 * and elements past the end of the request's array are removed.
 *
 * Every array the simulator lets a client PATCH goes through here (generated personalities and served
 * captures alike), so a client sees one semantics and one error answer for all of them.
 */
import type { ErrorFactory } from './errors.js';
import { isObject, type Json } from './json.js';

export class ArrayPatchError extends Error {
  override name = 'ArrayPatchError';
}

export function patchArray<T extends Json>(
  current: readonly T[],
  patch: readonly Json[],
  accept: (v: Json) => v is T,
): T[] {
  const out: T[] = [];
  patch.forEach((p, i) => {
    if (p === null) return;
    if (isObject(p) && Object.keys(p).length === 0) {
      // `{}` past the end of the current array has nothing to keep.
      if (i < current.length) out.push(current[i] as T);
      return;
    }
    if (!accept(p)) throw new ArrayPatchError(`element ${i} (${JSON.stringify(p)}) has the wrong type`);
    out.push(p);
  });
  return out;
}

/**
 * `patchArray` of the property `name` (at JSON pointer `pointer` of the document) as a PATCH handler
 * needs it: a value that is not an array, or an element of the wrong type, is the 400
 * PropertyValueTypeError naming the property and pointing at it.
 */
export function patchArrayProperty<T extends Json>(
  errors: ErrorFactory,
  name: string,
  pointer: string,
  current: readonly T[],
  patch: Json | undefined,
  accept: (v: Json) => v is T,
): T[] {
  const typeError = () =>
    errors.error('PropertyValueTypeError', [JSON.stringify(patch), name], { related: [pointer] });
  if (!Array.isArray(patch)) throw typeError();
  try {
    return patchArray(current, patch, accept);
  } catch (e) {
    if (e instanceof ArrayPatchError) throw typeError();
    throw e;
  }
}

export const isString = (v: Json): v is string => typeof v === 'string';
