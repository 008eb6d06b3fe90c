/**
 * The D-Bus object model behind the phosphor REST server: object paths with properties, some
 * properties writable (`PUT <path>/attr/<Prop>`), some methods callable (`POST <path>/action/<M>`).
 * Providers build the objects of one namespace from the machine on demand, so what a client reads
 * is always the machine's current state.
 */
import { RestError } from './envelope.js';

export type Props = Record<string, unknown>;

export interface DbusObject {
  props: Props;
  /** Writable properties. The setter validates and throws RestError(400) on a bad value. */
  set?: Record<string, (value: unknown) => void>;
  /** Methods. Arguments come from `{"data": [...]}`; the return value becomes `data`. */
  actions?: Record<string, (args: unknown[]) => unknown>;
  /** `DELETE <path>` (phosphor maps it to the Delete interface). */
  remove?: () => void;
}

export type ObjectMap = Map<string, DbusObject>;

export interface Provider {
  /** Namespace root, e.g. `/xyz/openbmc_project/state`. */
  root: string;
  build(into: ObjectMap): void;
}

export const BASE = '/xyz/openbmc_project';

// ---- value checks shared by setters

export function badValue(what: string, value: unknown): RestError {
  return new RestError(
    400,
    `The specified value cannot be written to the requested property: ${what} = ${JSON.stringify(value)}`,
    'org.freedesktop.DBus.Error.InvalidArgs',
  );
}

/** phosphor accepts D-Bus booleans; clients send true/false, 1/0 or "1"/"0". */
export function asBool(value: unknown, what: string): boolean {
  if (value === true || value === 1 || value === '1' || value === 'true') return true;
  if (value === false || value === 0 || value === '0' || value === 'false') return false;
  throw badValue(what, value);
}

export function asInt(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw badValue(what, value);
  return value;
}

export function asString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw badValue(what, value);
  return value;
}

export function asStringList(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw badValue(what, value);
  return value as string[];
}

/** A full enum string `<prefix>.<Member>` with Member in `members`. */
export function asEnum<T extends string>(
  value: unknown,
  prefix: string,
  members: readonly T[],
  what: string,
): T {
  if (typeof value !== 'string' || !value.startsWith(`${prefix}.`)) throw badValue(what, value);
  const member = value.slice(prefix.length + 1);
  if (!members.includes(member as T)) throw badValue(what, value);
  return member as T;
}

export function argAt(args: unknown[], i: number, what: string): unknown {
  if (args.length <= i)
    throw new RestError(400, `missing argument ${i + 1} (${what})`, 'org.freedesktop.DBus.Error.InvalidArgs');
  return args[i];
}
