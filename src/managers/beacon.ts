/**
 * The identify-LED capability (`rbeacon`): verbs, results, and the logic that is the same for every flavor.
 *
 * Executors (src/executors/<flavor>/beacon.ts) read the LED and set it, reading it back after a set (in
 * whatever way costs the fewest requests on their protocol). This module checks the arguments with xCAT's
 * wording and makes a set that the BMC accepted but did not carry out a failed node: a read-back that
 * disagrees with the request is an error, not a cheerful `on`.
 */
import { HwctlUsageError, NodeError } from '../core/errors.js';
import type { NodeDef } from '../core/types.js';
import type { Executor, NodeContext } from '../engine/executor.js';
import type { RunRequest } from '../engine/run.js';
import type { ResultView } from '../output/view.js';
import { requireOps } from './executor-ops.js';

export const BEACON_VERBS = ['on', 'off', 'blink', 'stat'] as const;
export type BeaconVerb = (typeof BEACON_VERBS)[number];
export type BeaconTarget = Exclude<BeaconVerb, 'stat'>;

export interface BeaconArgs {
  verb: BeaconVerb;
}

/** The LED as read from a BMC. */
export interface BeaconStatus {
  /** What is printed: `on`, `off`, `blink`; OpenBMC stat `Front:Blink Rear:Off` (xCAT). */
  display: string;
  /** Identify is lit or blinking; undefined when the BMC does not say. */
  active?: boolean;
  /** Blinking rather than steady, when the BMC says. */
  blinking?: boolean;
  /** Where it was read, e.g. `/redfish/v1/Systems/1 LocationIndicatorActive`, `led/groups`. */
  source: string;
  /** The BMC's own value(s) (`true`, `Lit`, `{front_id: "Blink"}`...). */
  raw?: unknown;
}

export interface BeaconSetOutcome {
  /** The LED read back after the set. */
  status: BeaconStatus;
  /** What was sent (e.g. `LocationIndicatorActive=true`); undefined when the LED already was so. */
  sent?: string;
}

/** The primitives a beacon executor provides. */
export interface BeaconExecutor extends Executor {
  getBeacon(args: undefined, ctx: NodeContext): Promise<BeaconStatus>;
  /** Set the LED and read it back. Throws NodeError `unsupported` when this BMC cannot do `target`. */
  setBeacon(args: { target: BeaconTarget }, ctx: NodeContext): Promise<BeaconSetOutcome>;
}

export interface BeaconResult {
  verb: BeaconVerb;
  /** What is printed after `node: `. */
  state: string;
  /** True when something was sent to the BMC. */
  changed: boolean;
  active?: boolean;
  blinking?: boolean;
  source: string;
  raw?: unknown;
  sent?: string;
}

export const beaconView: ResultView<BeaconResult> = {
  text: (r) => [r.state],
  columns: [
    { header: 'BEACON', value: (r) => r.state },
    { header: 'SENT', value: (r) => r.sent ?? (r.verb === 'stat' ? '' : '-') },
  ],
  json: (r) => {
    const o: Record<string, unknown> = { state: r.state, verb: r.verb, changed: r.changed, source: r.source };
    if (r.active !== undefined) o.active = r.active;
    if (r.blinking !== undefined) o.blinking = r.blinking;
    if (r.sent !== undefined) o.sent = r.sent;
    if (r.raw !== undefined) o.raw = r.raw;
    return o;
  },
};

/** Check the arguments (xCAT's messages) and build BeaconArgs; throws HwctlUsageError (exit 2). */
export function parseBeaconArgs(actions: readonly string[]): BeaconArgs {
  if (actions.length === 0) throw new HwctlUsageError('No option specified for rbeacon');
  if (actions.length > 1)
    throw new HwctlUsageError('Only one option is supported at the same time for rbeacon');
  const word = String(actions[0]);
  if (!(BEACON_VERBS as readonly string[]).includes(word)) {
    throw new HwctlUsageError(`Unsupported command: rbeacon ${word} (valid: ${BEACON_VERBS.join(', ')})`);
  }
  return { verb: word as BeaconVerb };
}

export const DEFAULT_BEACON_TIMEOUT_MS = 60_000;

export function beaconRequest(
  nodes: readonly NodeDef[],
  args: BeaconArgs,
): RunRequest<BeaconArgs, BeaconResult> {
  return {
    capability: 'beacon',
    op: args.verb,
    args,
    nodes,
    perNode: (executor, ctx) => runBeacon(asBeaconExecutor(executor), args, ctx),
  };
}

function asBeaconExecutor(executor: Executor): BeaconExecutor {
  return requireOps<BeaconExecutor>(executor, 'beacon', ['getBeacon', 'setBeacon']);
}

function resultOf(verb: BeaconVerb, s: BeaconStatus, sent?: string): BeaconResult {
  const r: BeaconResult = { verb, state: s.display, changed: sent !== undefined, source: s.source };
  if (s.active !== undefined) r.active = s.active;
  if (s.blinking !== undefined) r.blinking = s.blinking;
  if (s.raw !== undefined) r.raw = s.raw;
  if (sent !== undefined) r.sent = sent;
  return r;
}

/** One node's rbeacon. Exported for tests; the engine calls it through beaconRequest. */
export async function runBeacon(
  ex: BeaconExecutor,
  args: BeaconArgs,
  ctx: NodeContext,
): Promise<BeaconResult> {
  if (args.verb === 'stat') return resultOf('stat', await ex.getBeacon(undefined, ctx));
  const target = args.verb;
  const { status, sent } = await ex.setBeacon({ target }, ctx);
  const wantActive = target !== 'off';
  if (status.active !== undefined && status.active !== wantActive) {
    throw new NodeError(
      'failed',
      `the BMC accepted ${target} but the identify LED reads ${status.display} (${status.source})`,
    );
  }
  return resultOf(target, status, sent);
}
