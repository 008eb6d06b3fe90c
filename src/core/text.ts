/**
 * Quoting user input and BMC answers in messages: never more than a bounded slice of them (a `^file`
 * or a BMC body may hold anything, including a password).
 */

/** `text` cut to `max` characters (ending in `…` when cut). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
