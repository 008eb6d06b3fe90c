/**
 * What an executor is, and what it is handed when it runs.
 *
 * A manager (src/managers) defines a capability's operations and their argument/result types; an
 * executor implements them for one BMC flavor. Running operation `op` follows xCAT's agent design:
 *
 *   validate(op)  once per flavor group, before anything touches a BMC (argument checks)
 *   pre(op)       once per flavor group
 *   op            once per node, fanned out
 *   post(op)      once per flavor group, with that group's results
 *
 * Every hook is optional. Operations are plain methods named after the op.
 */
import type { NodeDef, NodeResult } from '../core/types.js';

export type Capability =
  | 'power'
  | 'boot'
  | 'inventory'
  | 'sensors'
  | 'eventlog'
  | 'beacon'
  | 'bmcconfig'
  | 'policy'
  | 'firmware'
  | 'accounts'
  | 'dump'
  | 'sshcfg';

export const CAPABILITIES: readonly Capability[] = [
  'power',
  'boot',
  'inventory',
  'sensors',
  'eventlog',
  'beacon',
  'bmcconfig',
  'policy',
  'firmware',
  'accounts',
  'dump',
  'sshcfg',
];

/** A BMC certificate pinned on first use (`tls: pin`), in the pin store `file`. */
export interface PinNotice {
  node: string;
  hostport: string;
  fingerprint: string;
  file: string;
}

/** Per-run services shared by every node (debug output, warnings). Rendering never flows back here. */
export interface RunServices {
  /** Warnings for the user, printed once on stderr as `Warning: ...`. */
  warn(message: string): void;
  /** Debug lines (`--debug`): secrets must already be masked by the caller. */
  debug?(node: string, line: string): void;
  /**
   * A certificate pinned on first use. The CLI gathers these into one warning per run (960 BMCs seen
   * for the first time are one line, not 960); without it, each is a warning of its own.
   */
  pinned?(pin: PinNotice): void;
  /** Progress of a long operation on a node (e.g. `powering-on` while waiting). */
  progress?(node: string, state: string): void;
  /** Options the BMC layer reads (timeouts, TLS overrides, debug flag...). Opaque to the engine. */
  options: Readonly<Record<string, unknown>>;
}

/** What one node's operation is handed. */
export interface NodeContext {
  readonly node: NodeDef;
  /** The node's flavor after `auto` detection. */
  readonly flavor: string;
  /** Aborted when the node's deadline passes or the run is interrupted. Pass it to every request. */
  readonly signal: AbortSignal;
  /** The node's password, resolved before the run started (never log it). */
  readonly password: string | undefined;
  readonly services: RunServices;
  /**
   * Register cleanup (e.g. closing a BMC session). Cleanups run after the operation on every path:
   * success, error, deadline and interruption, most recent first.
   */
  defer(cleanup: () => unknown): void;
  /**
   * A value shared by every operation on this node in this run (e.g. the logged-in BMC client), created
   * once. Use it to reuse one session across the ops of a command.
   */
  shared<T>(key: string, create: () => T): T;
  /** Drop a shared value, so the next `shared(key)` creates it again (e.g. after a failed login). */
  forget(key: string): void;
  /**
   * Vendor workarounds (quirk ids) this node used, added to those already recorded; `[]` says the node's
   * BMC is one quirks apply to, with none used. They go into the node's result (json `quirks`).
   */
  recordQuirks?(ids: readonly string[]): void;
}

/** What hooks are handed: the nodes of one flavor group. */
export interface GroupContext {
  readonly capability: Capability;
  readonly flavor: string;
  readonly nodes: readonly NodeDef[];
  readonly signal: AbortSignal;
  readonly services: RunServices;
}

export interface Executor {
  readonly capability: Capability;
  readonly flavor: string;
  validate?(op: string, args: unknown, group: GroupContext): void | Promise<void>;
  pre?(op: string, args: unknown, group: GroupContext): void | Promise<void>;
  post?(op: string, args: unknown, group: GroupContext, results: readonly NodeResult[]): void | Promise<void>;
}

/** An executor's operation, looked up by name. */
export type Operation<A = unknown, R = unknown> = (args: A, ctx: NodeContext) => Promise<R>;

export function getOperation(executor: Executor, op: string): Operation | undefined {
  const fn = (executor as unknown as Record<string, unknown>)[op];
  return typeof fn === 'function' ? (fn as Operation).bind(executor) : undefined;
}
