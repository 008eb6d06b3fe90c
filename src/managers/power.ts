/**
 * The power capability (`rpower`): verbs, their arguments and results, and the logic that is the same for
 * every BMC flavor.
 *
 * Executors (src/executors/<flavor>/power.ts) provide primitives only — read the state, send one action,
 * restart, read/reboot the BMC. This module composes them:
 *  - idempotency: `on` on a node that is on sends nothing (iDRAC answers 409 otherwise), `off` likewise,
 *    `reset` on a node that is off prints `off` and does nothing (xCAT);
 *  - `boot`: on when off, else a restart;
 *  - a restart the BMC cannot do in one action becomes off, wait until off, on (xCAT's OpenBMC reset);
 *  - `--wait`: poll until the target state, report transitional states, print the final state and time;
 *  - `--expect` with `stat`: another state is a failed node (a CI smoke check);
 *  - `bmcreboot`: a connection dropped (or a 504) after the request counts as success.
 * Never more than one restart action per node: nothing here retries an action.
 */
import { HwctlUsageError, NodeError, isNodeError } from '../core/errors.js';
import type { NodeDef } from '../core/types.js';
import type { Executor, NodeContext } from '../engine/executor.js';
import type { Rolling } from '../engine/rolling.js';
import type { RunRequest } from '../engine/run.js';
import type { ResultView } from '../output/view.js';
import { formatSeconds, pollUntil, type PollOutcome } from './poll.js';
import { RenewableContext } from './renewable-context.js';
import { requireOps } from './executor-ops.js';
import { droppedByReboot } from '../bmc/errors.js';

// ------------------------------------------------------------------------------------------ verbs

export const POWER_VERBS = [
  'on',
  'off',
  'softoff',
  'reset',
  'boot',
  'stat',
  'state',
  'status',
  'bmcstate',
  'bmcreboot',
] as const;
export type PowerVerbWord = (typeof POWER_VERBS)[number];
/** `state` and `status` are aliases of `stat`. */
export type PowerVerb = Exclude<PowerVerbWord, 'state' | 'status'>;

/**
 * What a verb does to a node (src/cli/safety.ts): reads nothing; `on` changes it; the verbs that stop a
 * running OS or the BMC (off, softoff, reset, boot of a running node, bmcreboot) are destructive.
 */
export function powerEffect(verb: PowerVerb): 'change' | 'destructive' | undefined {
  if (verb === 'stat' || verb === 'bmcstate') return undefined;
  return verb === 'on' ? 'change' : 'destructive';
}

/** Verbs `--wait` applies to (stat only together with --expect). */
const WAITABLE: readonly PowerVerb[] = [
  'on',
  'off',
  'softoff',
  'reset',
  'boot',
  'bmcreboot',
  'bmcstate',
  'stat',
];

export const EXPECT_STATES = ['on', 'off'] as const;
export type ExpectState = (typeof EXPECT_STATES)[number];

/** Default `--wait` limit when no number is given: real servers take 10–90 s, an OS shutdown longer. */
export const DEFAULT_WAIT_SECONDS = 300;
/** Poll interval of `--wait` and of the off-then-on restart (xCAT polls every 2 s). */
export const DEFAULT_POLL_INTERVAL_MS = 2000;
/** How long a composed restart waits for the node to be off before giving up (xCAT: 30 × 2 s). */
export const DEFAULT_OFF_WAIT_MS = 60_000;
/** After `bmcreboot --wait`, a BMC still answering Ready this long after the request is taken as back. */
const BMC_DOWN_GRACE_MS = 20_000;

export interface PowerArgs {
  verb: PowerVerb;
  /** `--wait`: how long to wait for the target state, in ms. Undefined: do not wait. */
  waitMs?: number;
  /** `--expect` (stat only). */
  expect?: ExpectState;
  /** Poll interval for --wait and composed restarts. */
  pollIntervalMs?: number;
  /** Limit of the wait for `off` inside a composed restart. */
  offWaitMs?: number;
  /**
   * `bmcstate` with a wait on a BMC that may be restarting on its own (rflash, after an image that resets
   * it): an authentication failure is ridden out as after `bmcreboot` (its sessions died with it, its
   * login may not work yet), but Ready counts at once (it may not restart at all).
   */
  bmcMayRestart?: boolean;
}

// ------------------------------------------------------------------------------- executor contract

/**
 * Where a node's power is, flavor-neutral.
 *  on / off               settled
 *  powering-on/-off       a transition in progress
 *  partial                chassis powered, host off (OpenBMC `on (Chassis)`): neither on nor off
 *  other                  anything else the BMC reports (quiesced, paused, unexpected values)
 */
export type PowerPhase = 'on' | 'off' | 'powering-on' | 'powering-off' | 'partial' | 'other';

export interface PowerStatus {
  phase: PowerPhase;
  /** The word xCAT prints: `on`, `off`, `on (Chassis)`, `quiesced`, `powering-on`... */
  display: string;
}

export interface BmcStatus {
  ready: boolean;
  /** `BMC Ready` or `BMC NotReady` (xCAT's words). */
  display: string;
}

export type PowerTarget = 'on' | 'off' | 'softoff';

/** What was sent to the BMC, for json output and --verbose (e.g. `ForceOff`, `chassis Off`). */
export interface PowerAction {
  sent: string;
}

/** The primitives a power executor provides. None of them checks the state first; the manager does. */
export interface PowerExecutor extends Executor {
  getState(args: undefined, ctx: NodeContext): Promise<PowerStatus>;
  /** Send one action: on, hard off, or graceful OS shutdown. */
  setState(args: { target: PowerTarget }, ctx: NodeContext): Promise<PowerAction>;
  /**
   * Restart a node that is on, with one BMC-side action. Resolves undefined when this BMC has no such
   * action (the manager then powers off, waits, and powers on). Optional: absent means undefined.
   */
  restart?(args: { verb: 'reset' | 'boot' }, ctx: NodeContext): Promise<PowerAction | undefined>;
  getBmcState(args: undefined, ctx: NodeContext): Promise<BmcStatus>;
  rebootBmc(args: undefined, ctx: NodeContext): Promise<PowerAction>;
}

// ---------------------------------------------------------------------------------------- results

export interface PowerResult {
  verb: PowerVerb;
  /** What is printed after `node: ` (without the time). */
  state: string;
  /** True when an action was sent to the BMC. */
  changed: boolean;
  /** What was sent (Redfish ResetType, OpenBMC transition), when something was. */
  action?: string;
  /** With --wait: how long the node took to reach the target, ms, from the start of its operation. */
  waitedMs?: number;
  /** The flavor-neutral phase, when the state was read. */
  phase?: PowerPhase;
}

export const powerView: ResultView<PowerResult> = {
  text: (r) => [r.waitedMs === undefined ? r.state : `${r.state} (${formatSeconds(r.waitedMs)})`],
  columns: [
    { header: 'STATE', value: (r) => r.state },
    { header: 'ACTION', value: (r) => r.action ?? (r.changed ? '' : '-') },
    { header: 'TIME', value: (r) => (r.waitedMs === undefined ? '' : formatSeconds(r.waitedMs)) },
  ],
  json: (r) => {
    const o: Record<string, unknown> = { state: r.state, verb: r.verb, changed: r.changed };
    if (r.action !== undefined) o.action = r.action;
    if (r.phase !== undefined) o.phase = r.phase;
    if (r.waitedMs !== undefined) o.seconds = Math.round(r.waitedMs / 100) / 10;
    return o;
  },
};

// ------------------------------------------------------------------------------------ arguments

export interface PowerCliInput {
  /** The positional words after the noderange. */
  actions: readonly string[];
  /** `--wait` as yargs gives it: undefined (absent), '' (bare) or the text after `=`. */
  wait?: string;
  expect?: string;
  /** `--interval` in seconds. */
  interval?: number;
}

/**
 * Check the arguments (xCAT's wording where it has one) and build PowerArgs. Throws HwctlUsageError
 * (exit 2) before any inventory or BMC is touched.
 */
export function parsePowerArgs(input: PowerCliInput): PowerArgs {
  const actions = [...input.actions];
  let wait = input.wait;
  // `rpower n1 --wait on`: yargs took the verb as the wait value.
  if (wait !== undefined && wait !== '' && (POWER_VERBS as readonly string[]).includes(wait)) {
    actions.push(wait);
    wait = '';
  }
  if (actions.length === 0) throw new HwctlUsageError('No option specified for rpower');
  if (actions.length > 1)
    throw new HwctlUsageError('Only one option is supported at the same time for rpower');
  const word = actions[0]!;
  if (!(POWER_VERBS as readonly string[]).includes(word)) {
    throw new HwctlUsageError(`Unsupported command: rpower ${word} (valid: ${POWER_VERBS.join(', ')})`);
  }
  const verb: PowerVerb = word === 'state' || word === 'status' ? 'stat' : (word as PowerVerb);
  const args: PowerArgs = { verb };

  if (input.expect !== undefined) {
    if (!(EXPECT_STATES as readonly string[]).includes(input.expect)) {
      throw new HwctlUsageError(`--expect takes on or off, not '${input.expect}'`);
    }
    if (verb !== 'stat') throw new HwctlUsageError(`--expect applies to rpower stat, not rpower ${word}`);
    args.expect = input.expect as ExpectState;
  }
  if (wait !== undefined) {
    const seconds = wait === '' ? DEFAULT_WAIT_SECONDS : Number(wait);
    if (!Number.isFinite(seconds) || seconds <= 0) {
      throw new HwctlUsageError(`--wait takes a number of seconds > 0 (e.g. --wait=120), not '${wait}'`);
    }
    if (!WAITABLE.includes(verb)) throw new HwctlUsageError(`--wait does not apply to rpower ${word}`);
    if (verb === 'stat' && !args.expect) {
      throw new HwctlUsageError('rpower stat --wait needs --expect on|off (the state to wait for)');
    }
    args.waitMs = Math.round(seconds * 1000);
  }
  if (input.interval !== undefined) {
    if (!(input.interval > 0)) throw new HwctlUsageError('--interval takes a number of seconds > 0');
    args.pollIntervalMs = Math.round(input.interval * 1000);
  }
  return args;
}

/** Per-node deadline when --timeout is not given: room for login and requests, plus the wait. */
export function defaultPowerTimeoutMs(args: PowerArgs): number {
  const base = 60_000;
  const composedRestart =
    args.verb === 'reset' || args.verb === 'boot' || args.verb === 'on'
      ? (args.offWaitMs ?? DEFAULT_OFF_WAIT_MS) + 30_000
      : 0;
  return base + composedRestart + (args.waitMs ?? 0);
}

// ---------------------------------------------------------------------------------- the request

/** Verbs that only read: a rolling start (--batch, --stagger) does not apply to them. */
export const POWER_READS: readonly PowerVerb[] = ['stat', 'bmcstate'];

export function powerRequest(
  nodes: readonly NodeDef[],
  args: PowerArgs,
  rolling?: Rolling,
): RunRequest<PowerArgs, PowerResult> {
  return {
    capability: 'power',
    op: args.verb,
    args,
    nodes,
    perNode: (executor, ctx) => runPower(asPowerExecutor(executor), args, ctx),
    ...(rolling && !POWER_READS.includes(args.verb) ? { rolling } : {}),
  };
}

const REQUIRED_OPS = ['getState', 'setState', 'getBmcState', 'rebootBmc'] as const;

function asPowerExecutor(executor: Executor): PowerExecutor {
  return requireOps<PowerExecutor>(executor, 'power', REQUIRED_OPS);
}

/** One node's power verb (also rflash's BMC reboot and host restart). The engine calls it through powerRequest. */
export async function runPower(ex: PowerExecutor, args: PowerArgs, ctx: NodeContext): Promise<PowerResult> {
  const p = new PowerFlow(ex, args, ctx);
  switch (args.verb) {
    case 'stat':
      return p.stat();
    case 'on':
      return p.on();
    case 'off':
      return p.off('off');
    case 'softoff':
      return p.off('softoff');
    case 'reset':
    case 'boot':
      return p.restart(args.verb);
    case 'bmcstate':
      return p.bmcstate();
    case 'bmcreboot':
      return p.bmcreboot();
  }
}

/** Errors worth riding out while polling a BMC that is busy or restarting. */
function transientDuringPoll(e: unknown): boolean {
  if (!isNodeError(e)) return false;
  if (e.kind === 'unreachable' || e.kind === 'timeout') return true;
  return e.kind === 'http' && e.status !== undefined && e.status >= 500;
}

class PowerFlow {
  private readonly interval: number;
  /** When this node's operation began: `--wait` reports the time from here. */
  private readonly started = Date.now();
  /** What executors are handed: its BMC client is made again after an error ridden out while polling. */
  private readonly client: RenewableContext;
  private readonly ctx: NodeContext;

  constructor(
    private readonly ex: PowerExecutor,
    private readonly args: PowerArgs,
    node: NodeContext,
  ) {
    this.client = new RenewableContext(node);
    this.ctx = this.client.ctx;
    this.interval = args.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  }

  private read(): Promise<PowerStatus> {
    return this.ex.getState(undefined, this.ctx);
  }

  private result(state: string, changed: boolean, extra: Partial<PowerResult> = {}): PowerResult {
    return { verb: this.args.verb, state, changed, ...extra };
  }

  async stat(): Promise<PowerResult> {
    const expect = this.args.expect;
    if (expect && this.args.waitMs !== undefined) {
      const s = await this.waitFor(expect, false);
      return this.result(s.status.display, false, { phase: s.status.phase, waitedMs: s.elapsedMs });
    }
    const s = await this.read();
    if (expect && s.phase !== expect)
      throw new NodeError('failed', `state is ${s.display}, expected ${expect}`);
    return this.result(s.display, false, { phase: s.phase });
  }

  async on(): Promise<PowerResult> {
    const s = await this.read();
    // Already on, or already on its way: sending On again gets a 409 from iDRAC and helps nobody.
    if (s.phase === 'on' || s.phase === 'powering-on') return this.finish('on', false, undefined, 'on');
    // Most BMCs refuse a power-on while the node is still powering off: let it get there first.
    if (s.phase === 'powering-off') await this.waitUntilOff('was powering off and');
    const action = await this.ex.setState({ target: 'on' }, this.ctx);
    return this.finish('on', true, action, 'on');
  }

  async off(verb: 'off' | 'softoff'): Promise<PowerResult> {
    const s = await this.read();
    // A hard off still goes out while a graceful shutdown is under way: the admin wants it off now.
    const nothingToDo = s.phase === 'off' || (verb === 'softoff' && s.phase === 'powering-off');
    if (nothingToDo) return this.finish(verb, false, undefined, 'off');
    const action = await this.ex.setState({ target: verb }, this.ctx);
    return this.finish(verb, true, action, 'off');
  }

  async restart(verb: 'reset' | 'boot'): Promise<PowerResult> {
    const s = await this.read();
    const isOff = s.phase === 'off' || s.phase === 'partial';
    if (isOff && verb === 'reset') {
      // xCAT: resetting a node that is off does nothing and says so.
      return this.result('off', false, { phase: s.phase });
    }
    let action: PowerAction;
    if (isOff) {
      action = await this.ex.setState({ target: 'on' }, this.ctx);
    } else {
      action = (await this.ex.restart?.({ verb }, this.ctx)) ?? (await this.offThenOn());
    }
    return this.finish(verb, true, action, 'on', true);
  }

  /** Hard off, wait until off, on: for BMCs without a restart action (OpenBMC REST). */
  private async offThenOn(): Promise<PowerAction> {
    const off = await this.ex.setState({ target: 'off' }, this.ctx);
    await this.waitUntilOff();
    const on = await this.ex.setState({ target: 'on' }, this.ctx);
    return { sent: `${off.sent}, then ${on.sent}` };
  }

  /** Poll until off (xCAT: 30 × 2 s); a node that never gets there fails with xCAT's message. */
  private async waitUntilOff(before?: string): Promise<void> {
    const limit = this.args.offWaitMs ?? DEFAULT_OFF_WAIT_MS;
    const outcome = await pollUntil({
      read: () => this.read(),
      done: (s) => s.phase === 'off',
      timeoutMs: limit,
      intervalMs: this.interval,
      signal: this.ctx.signal,
      onValue: (s) => this.progress(s.phase === 'off' ? 'off' : 'powering-off'),
      tolerate: (e) => this.rideOut(e),
    });
    if (!outcome.reached) {
      const state = outcome.value?.display ?? 'unknown';
      const seconds = Math.round(limit / 1000);
      throw new NodeError(
        'failed',
        before
          ? `${before} did not reach off after waiting ${seconds} seconds (State= ${state}); power-on not sent.`
          : `Sent power-off command but state did not change to off after waiting ${seconds} seconds. (State= ${state}).`,
      );
    }
  }

  /**
   * Without --wait: print what was requested, as xCAT does. With --wait: poll until the target phase and
   * print the state reached and the time it took.
   */
  private async finish(
    requested: string,
    changed: boolean,
    action: PowerAction | undefined,
    target: 'on' | 'off',
    restarted = false,
  ): Promise<PowerResult> {
    const extra: Partial<PowerResult> = action ? { action: action.sent } : {};
    if (this.args.waitMs === undefined) return this.result(requested, changed, extra);
    // After a restart the node may still read `on` for a moment: let the BMC start the transition.
    const w = await this.waitFor(target, changed && restarted);
    return this.result(w.status.display, changed, { ...extra, phase: w.status.phase, waitedMs: w.elapsedMs });
  }

  private async waitFor(
    target: 'on' | 'off',
    delayFirst: boolean,
  ): Promise<{ status: PowerStatus; elapsedMs: number }> {
    const limit = this.args.waitMs ?? DEFAULT_WAIT_SECONDS * 1000;
    const outcome: PollOutcome<PowerStatus> = await pollUntil({
      read: () => this.read(),
      done: (s) => s.phase === target,
      timeoutMs: limit,
      intervalMs: this.interval,
      signal: this.ctx.signal,
      delayFirst,
      onValue: (s) => this.progress(s.phase === target ? target : transitional(s, target)),
      tolerate: (e) => this.rideOut(e),
    });
    if (!outcome.reached) {
      const last = outcome.value
        ? `state is ${outcome.value.display}`
        : `last error: ${errorText(outcome.error)}`;
      throw new NodeError('failed', `did not reach ${target} within ${formatSeconds(limit)} (${last})`);
    }
    return { status: outcome.value, elapsedMs: Date.now() - this.started };
  }

  async bmcstate(): Promise<PowerResult> {
    if (this.args.waitMs === undefined) {
      const b = await this.ex.getBmcState(undefined, this.ctx);
      return this.result(b.display, false);
    }
    const w = await this.waitBmcReady(false, this.args.bmcMayRestart === true);
    return this.result(w.display, false, { waitedMs: w.elapsedMs });
  }

  async bmcreboot(): Promise<PowerResult> {
    let action: PowerAction = { sent: 'BMC reboot' };
    try {
      action = await this.ex.rebootBmc(undefined, this.ctx);
    } catch (e) {
      // The BMC often goes down before it answers: that is the reboot happening, not a failure.
      if (!droppedByReboot(e)) throw e;
      this.ctx.services.debug?.(
        this.ctx.node.name,
        `BMC reboot request ended with "${errorText(e)}": taken as success`,
      );
    }
    if (this.args.waitMs === undefined) return this.result('BMC reboot', true, { action: action.sent });
    const w = await this.waitBmcReady(true);
    return this.result(w.display, true, { action: action.sent, waitedMs: w.elapsedMs });
  }

  /**
   * Poll the BMC until it is Ready. After a reboot request, a Ready answer only counts once the BMC has
   * been seen down (or not ready), or after a grace period: a BMC takes a moment to go down, and the
   * old firmware answering Ready is not the reboot being over.
   */
  private async waitBmcReady(
    afterReboot: boolean,
    mayRestart = afterReboot,
  ): Promise<BmcStatus & { elapsedMs: number }> {
    let seenDown = !afterReboot;
    const limit = this.args.waitMs ?? DEFAULT_WAIT_SECONDS * 1000;
    const outcome = await pollUntil<BmcStatus>({
      read: () => this.ex.getBmcState(undefined, this.ctx),
      done: (b) => b.ready && (seenDown || Date.now() - this.started >= BMC_DOWN_GRACE_MS),
      timeoutMs: limit,
      intervalMs: this.interval,
      signal: this.ctx.signal,
      delayFirst: afterReboot,
      onValue: (b) => {
        if (!b.ready) seenDown = true;
        this.progress(b.ready ? b.display : 'BMC NotReady');
      },
      tolerate: (e) => {
        // A rebooting BMC refuses or drops connections: keep polling.
        const transient = transientDuringPoll(e) || (isNodeError(e) && e.kind === 'auth' && mayRestart);
        if (transient) {
          this.client.renew();
          seenDown = true;
          this.progress('BMC NotReady');
        }
        return transient;
      },
    });
    if (!outcome.reached) {
      const last = outcome.value
        ? outcome.value.display
        : `BMC did not respond (${errorText(outcome.error)})`;
      throw new NodeError('failed', `BMC not ready after waiting ${formatSeconds(limit)}: ${last}`);
    }
    return { ...outcome.value, elapsedMs: Date.now() - this.started };
  }

  /** An error while polling: keep polling (with a fresh login next time) if the BMC is just busy. */
  private rideOut(e: unknown): boolean {
    if (!transientDuringPoll(e)) return false;
    this.client.renew();
    return true;
  }

  private lastProgress: string | undefined;

  private progress(state: string): void {
    if (state === this.lastProgress) return;
    this.lastProgress = state;
    this.ctx.services.progress?.(this.ctx.node.name, state);
  }
}

/** The state to report while waiting for `target`: the BMC's own transitional word, else ours. */
function transitional(s: PowerStatus, target: 'on' | 'off'): string {
  if (s.phase === 'powering-on' || s.phase === 'powering-off') return s.display;
  return target === 'on' ? 'powering-on' : 'powering-off';
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
