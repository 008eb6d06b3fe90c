/**
 * Array helpers for lists whose length a BMC or an inventory decides.
 *
 * `target.push(...items)` passes every item as an argument, on the stack: past roughly 100,000 items it
 * throws `RangeError: Maximum call stack size exceeded` (a Redfish collection of 200,000 members did).
 * The same holds for `Math.max(...x)`, `String.fromCharCode(...x)` and any call spread of an unbounded list.
 */

/** Append every item to `target` (in order) and return it. */
export function append<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
