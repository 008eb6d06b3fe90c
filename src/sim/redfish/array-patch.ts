/**
 * PATCH of an array property as DSP0266 ("PATCH on array properties") defines it: the request's array
 * is laid over the current one index by index, where
 *  - a value replaces the element at that index (or appends one past the end),
 *  - `null` removes the element at that index,
 *  - `{}` leaves the element at that index as it is,
 * and elements past the end of the request's array are removed.
 */
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
