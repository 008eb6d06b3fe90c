/**
 * Running one operation across many nodes: the fan-out engine.
 *
 * Guarantees (tested in test/engine):
 *  - every node gets exactly one NodeResult, in the order the nodes were given;
 *  - at most `fanout` nodes are in flight at once (p-map);
 *  - a node that throws, hangs past its deadline or is interrupted never affects the others;
 *  - cleanups registered by a node (ctx.defer: closing BMC sessions) run on every path, even after the
 *    deadline or an interrupt, each bounded by `cleanupTimeoutMs`;
 *  - validate → pre → op (per node) → post, hooks once per flavor group;
 *  - with `retainValues: false` a node's value is only handed to `onResult`, not kept (see RunOptions).
 */
import { setMaxListeners } from 'node:events';
import pMap from 'p-map';
import { HwctlUsageError, NodeError, isNodeError } from '../core/errors.js';
import type { NodeDef, NodeFailed, NodeOkOutcome, NodeOutcome, NodeResult } from '../core/types.js';
import { findExecutor, flavorsFor } from '../executors/registry.js';
import { getOperation } from './executor.js';
import { batchesOf, betweenBatches, staggerGate, type Rolling } from './rolling.js';
import type { Capability, Executor, GroupContext, NodeContext, RunServices } from './executor.js';

export const DEFAULT_FANOUT = 64;
export const DEFAULT_CLEANUP_TIMEOUT_MS = 5000;

/** Resolves `mgt: auto` for one node (the BMC layer probes the BMC). */
export type FlavorDetector = (node: NodeDef, signal: AbortSignal) => Promise<string>;

/** The per-node step: by default `executor[op](args, ctx)`; managers pass compositions of primitives. */
export type PerNode<R> = (executor: Executor, ctx: NodeContext) => Promise<R>;

export interface RunRequest<A, R> {
  capability: Capability;
  op: string;
  args: A;
  nodes: readonly NodeDef[];
  perNode?: PerNode<R>;
  /**
   * When nodes start the operation (`--batch`, `--batch-delay`, `--stagger`: rolling.ts). Managers set it
   * for actions only; detection and the hooks are not paced.
   */
  rolling?: Rolling;
}

export interface RunOptions {
  fanout?: number;
  /** Per-node deadline in ms (detection + operation). */
  timeoutMs?: number;
  /** Run-wide cancellation (SIGINT/SIGTERM). */
  signal?: AbortSignal;
  services: RunServices;
  /** Resolved passwords by node name. */
  passwords?: ReadonlyMap<string, string | undefined>;
  detectFlavor?: FlavorDetector;
  /** Called as each node finishes (streaming output), with its value. */
  onResult?: (result: NodeResult) => void;
  /** A node's operation starts (after the fan-out let it in): the progress line counts it in flight. */
  onStart?: (node: string) => void;
  /**
   * Keep each node's value for the returned results (default true). With false, a value is handed to
   * `onResult` and then dropped: successes come back as `{ node, ok, elapsedMs }` (failures whole), so a
   * run's memory does not grow with its values (an inventory is tens of KB per node). Nodes of a flavor
   * whose executor has a `post` hook keep their values until that hook has seen them.
   */
  retainValues?: boolean;
  cleanupTimeoutMs?: number;
}

/** A signal that never aborts: what a released node's late readers get (they hold their own already). */
const RELEASED_SIGNAL = new AbortController().signal;

/**
 * Per-node bookkeeping kept between phases (detection, then the operation).
 *
 * What a working node needs (its AbortController, deadline timer, listener on the run's signal, shared
 * values and cleanups) exists only from its first step to its release: a 10,000-node run keeps 10,000 of
 * these objects, and building all of that up front for nodes still queued behind the fan-out cost ~2 KB
 * per node of live heap (docs/performance.md, peak RSS at 10,000 BMCs). Methods are on the prototype for
 * the same reason (no closures per node).
 */
class NodeRun {
  flavor: string;
  started = Date.now();
  /** ctx.recordQuirks: undefined until the node's executor records any (even none). */
  quirks?: Set<string>;
  /** A NodeResult while `keepValue`, otherwise the outcome without its value. */
  result?: NodeResult | NodeOutcome;
  private live?: {
    controller: AbortController;
    onRunAbort: () => void;
    listening: boolean;
    timer?: NodeJS.Timeout;
    cleanups: Array<() => unknown>;
    sharedValues: Map<string, unknown>;
  };
  private released = false;

  constructor(
    readonly node: NodeDef,
    private readonly runSignal: AbortSignal,
    /** Whether `result` keeps the value (RunOptions.retainValues, or a post hook still needs it). */
    public keepValue: boolean,
    private readonly timeoutMs?: number,
  ) {
    this.flavor = String(node.mgt || 'auto');
  }

  private get state(): NonNullable<NodeRun['live']> {
    if (!this.live) {
      // Our own controller and timer rather than AbortSignal.any + AbortSignal.timeout: on Node 20 the
      // timeout signal is only weakly held by the combined one and can be garbage-collected before it
      // fires, leaving a hung node without its deadline.
      const controller = new AbortController();
      // Every request of the node listens on this signal; a node reading many members at once is normal.
      setMaxListeners(0, controller.signal);
      this.live = {
        controller,
        onRunAbort: () => controller.abort(this.runSignal.reason),
        listening: false,
        cleanups: [],
        sharedValues: new Map(),
      };
    }
    return this.live;
  }

  get signal(): AbortSignal {
    return this.released ? RELEASED_SIGNAL : this.state.controller.signal;
  }

  get cleanups(): Array<() => unknown> {
    return this.released ? [] : this.state.cleanups;
  }

  get sharedValues(): Map<string, unknown> {
    return this.released ? new Map() : this.state.sharedValues;
  }

  /** The node takes a step: it listens on the run's signal; its deadline starts (the first time). */
  start(): void {
    const live = this.state;
    // Only a working node listens on the run's signal, so it never holds more than the fan-out's worth of
    // listeners: adding one to an EventTarget scans those already there, and registering every node up
    // front made a 50,000-node run spend 3.6 s on it (quadratic).
    if (this.runSignal.aborted) live.onRunAbort();
    else if (!live.listening) {
      this.runSignal.addEventListener('abort', live.onRunAbort, { once: true });
      live.listening = true;
    }
    const ms = this.timeoutMs;
    // The deadline runs from the node's first step, not from the start of the command: a node queued
    // behind the fan-out limit has not used any of its time yet.
    if (live.timer || !ms || ms <= 0 || live.controller.signal.aborted) return;
    this.started = Date.now();
    live.timer = setTimeout(
      () => live.controller.abort(new DOMException(`deadline of ${ms} ms passed`, 'TimeoutError')),
      ms,
    );
  }

  /** The node waits between phases (detected, not yet running): it stops listening on the run's signal. */
  idle(): void {
    const live = this.live;
    if (live?.listening) this.runSignal.removeEventListener('abort', live.onRunAbort);
    if (live) live.listening = false;
  }

  /** Stop the deadline timer and detach from the run's signal (the node is done); its state goes. */
  release(): void {
    const live = this.live;
    this.released = true;
    if (!live) return;
    if (live.timer) clearTimeout(live.timer);
    this.idle();
    live.sharedValues.clear();
    this.live = undefined;
  }
}

const INTERRUPTED = 'interrupted before completion';

/** Every node's result, with its value (the default, `retainValues` true or absent). */
export function runOperation<A, R>(
  req: RunRequest<A, R>,
  opts: RunOptions & { retainValues?: true },
): Promise<NodeResult<R>[]>;
/** Every node's outcome; values only when `retainValues` is not false (they went to `onResult`). */
export function runOperation<A, R>(req: RunRequest<A, R>, opts: RunOptions): Promise<NodeOutcome[]>;
export async function runOperation<A, R>(req: RunRequest<A, R>, opts: RunOptions): Promise<NodeOutcome[]> {
  const fanout = Math.max(1, opts.fanout ?? DEFAULT_FANOUT);
  const runSignal = opts.signal ?? new AbortController().signal;
  const retain = opts.retainValues ?? true;
  // Thousands of nodes each listen on the run's signal: that is by design, not a leak.
  setMaxListeners(0, runSignal);
  const runs = req.nodes.map((node) => new NodeRun(node, runSignal, retain, opts.timeoutMs));
  const finish = (run: NodeRun, result: NodeResult) => {
    if (run.result) return; // exactly one result per node
    if (run.quirks) result.quirks = [...run.quirks];
    run.result = run.keepValue ? result : withoutValue(result);
    opts.onResult?.(result);
  };

  // Phase 1: resolve `auto` flavors, within the fan-out limit.
  const autos = runs.filter((r) => r.flavor === 'auto');
  if (autos.length > 0) {
    await pMap(
      autos,
      async (run) => {
        if (runSignal.aborted) return finish(run, failed(run, 'interrupted', INTERRUPTED));
        if (!opts.detectFlavor) {
          return finish(run, failed(run, 'unsupported', 'mgt is auto but flavor detection is not available'));
        }
        const detect = opts.detectFlavor;
        run.start();
        try {
          run.flavor = await raceSignal(detect(run.node, run.signal), run.signal);
        } catch (e) {
          finish(run, failureFrom(run, e, opts.timeoutMs));
        } finally {
          run.idle();
        }
      },
      { concurrency: fanout },
    );
  }

  // Phase 2: group by flavor and find each group's executor.
  const groups = new Map<string, NodeRun[]>();
  for (const run of runs) {
    if (run.result) continue;
    const list = groups.get(run.flavor) ?? [];
    list.push(run);
    groups.set(run.flavor, list);
  }
  const active: Array<{ executor: Executor; group: GroupContext; runs: NodeRun[] }> = [];
  for (const [flavor, groupRuns] of groups) {
    const executor = await findExecutor(req.capability, flavor);
    if (!executor || (!req.perNode && !getOperation(executor, req.op))) {
      const known = flavorsFor(req.capability);
      const msg =
        `${req.capability} is not supported for mgt=${flavor}` +
        (known.length ? ` (supported: ${known.join(', ')})` : '');
      for (const run of groupRuns) finish(run, failed(run, 'unsupported', msg));
      continue;
    }
    const group: GroupContext = {
      capability: req.capability,
      flavor,
      nodes: groupRuns.map((r) => r.node),
      signal: runSignal,
      services: opts.services,
    };
    if (executor.post) for (const run of groupRuns) run.keepValue = true;
    active.push({ executor, group, runs: groupRuns });
  }

  // validate: all groups first, so a usage error aborts before any BMC is touched.
  for (const a of active) {
    if (!a.executor.validate) continue;
    try {
      await a.executor.validate(req.op, req.args, a.group);
    } catch (e) {
      if (e instanceof HwctlUsageError) throw e;
      for (const run of a.runs) finish(run, failureFrom(run, e, opts.timeoutMs));
    }
  }
  // pre: per group; a failing pre fails that group's nodes only.
  for (const a of active) {
    if (!a.executor.pre || a.runs.every((r) => r.result)) continue;
    try {
      await a.executor.pre(req.op, req.args, a.group);
    } catch (e) {
      for (const run of a.runs) finish(run, failureFrom(run, e, opts.timeoutMs));
    }
  }

  // The operation, fanned out over every remaining node of every group at once.
  const work: Array<{ executor: Executor; run: NodeRun }> = [];
  for (const a of active) for (const run of a.runs) if (!run.result) work.push({ executor: a.executor, run });
  const perNode: PerNode<R> =
    req.perNode ?? ((executor, ctx) => getOperation(executor, req.op)!(req.args, ctx) as Promise<R>);
  const gate = staggerGate(req.rolling?.staggerMs);
  const batches = batchesOf(work, req.rolling);
  for (const [index, batch] of batches.entries()) {
    // A Ctrl-C during the pause ends it at once; the batches left get `interrupted` below, nothing sent.
    await betweenBatches(index, req.rolling, runSignal).catch(() => undefined);
    await pMap(batch, runOne, { concurrency: fanout });
  }
  async function runOne({ executor, run }: { executor: Executor; run: NodeRun }): Promise<void> {
    if (runSignal.aborted) return finish(run, failed(run, 'interrupted', INTERRUPTED));
    // Waiting for its turn (--stagger) is not the node's time: its deadline starts after.
    if (!(await gate(runSignal))) return finish(run, failed(run, 'interrupted', INTERRUPTED));
    run.start();
    opts.onStart?.(run.node.name);
    const ctx = nodeContext(run, opts);
    try {
      const value = await raceSignal(perNode(executor, ctx), run.signal);
      finish(run, { node: run.node.name, ok: true, value, elapsedMs: Date.now() - run.started });
    } catch (e) {
      finish(run, failureFrom(run, e, opts.timeoutMs));
    } finally {
      await runCleanups(run, opts.cleanupTimeoutMs ?? DEFAULT_CLEANUP_TIMEOUT_MS, opts.services);
      // The node is done: release drops its clients and the documents they cached, so memory stays flat
      // with the fleet size (5,000 nodes each keeping their BMC's documents cost ~100 MB).
      run.release();
    }
  }
  for (const run of runs) run.release();

  // post: per group, with that group's results; a failing post is a warning, results stand.
  for (const a of active) {
    if (!a.executor.post) continue;
    try {
      // keepValue was set for every node of a group with a post hook: these are whole results.
      await a.executor.post(
        req.op,
        req.args,
        a.group,
        a.runs.map((r) => r.result as NodeResult),
      );
    } catch (e) {
      opts.services.warn(`${a.group.flavor} ${req.op}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!retain) for (const run of a.runs) run.result = withoutValue(run.result!);
  }

  return runs.map((r) => r.result!);
}

/** The outcome without its value (failures carry none and stay whole). */
function withoutValue(r: NodeResult | NodeOutcome): NodeOutcome {
  if (!r.ok) return r;
  const slim: NodeOkOutcome = { node: r.node, ok: true, elapsedMs: r.elapsedMs };
  return slim;
}

function nodeContext(run: NodeRun, opts: RunOptions): NodeContext {
  return {
    node: run.node,
    flavor: run.flavor,
    signal: run.signal,
    password: opts.passwords?.get(run.node.name),
    services: opts.services,
    defer: (fn) => {
      run.cleanups.push(fn);
    },
    forget: (key) => {
      run.sharedValues.delete(key);
    },
    shared: <T>(key: string, create: () => T): T => {
      if (!run.sharedValues.has(key)) run.sharedValues.set(key, create());
      return run.sharedValues.get(key) as T;
    },
    recordQuirks: (ids) => {
      run.quirks ??= new Set();
      for (const id of ids) run.quirks.add(id);
    },
  };
}

async function runCleanups(run: NodeRun, timeoutMs: number, services: RunServices): Promise<void> {
  while (run.cleanups.length > 0) {
    const fn = run.cleanups.pop()!;
    try {
      await withTimeout(Promise.resolve().then(fn), timeoutMs);
    } catch (e) {
      services.debug?.(run.node.name, `cleanup failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** Resolve with `p`, or reject as soon as `signal` aborts (an operation that ignores its signal cannot hold a node). */
export function raceSignal<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    p.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    t.unref?.();
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

function failed(run: NodeRun, kind: NodeError['kind'], message: string, status?: number): NodeFailed {
  const error: NodeFailed['error'] = { kind, message };
  if (status !== undefined) error.status = status;
  return { node: run.node.name, ok: false, error, elapsedMs: Date.now() - run.started };
}

/** Turn whatever a node threw into its failure result. */
function failureFrom(run: NodeRun, e: unknown, timeoutMs?: number): NodeFailed {
  if (isNodeError(e)) return failed(run, e.kind, e.message, e.status);
  if (run.signal.aborted) {
    const reason: unknown = run.signal.reason;
    const isTimeout = reason instanceof DOMException && reason.name === 'TimeoutError';
    if (isTimeout) {
      return failed(run, 'timeout', `operation timed out after ${formatSeconds(timeoutMs ?? 0)}`);
    }
    return failed(run, 'interrupted', INTERRUPTED);
  }
  const message = e instanceof Error ? e.message : String(e);
  return failed(run, 'failed', `unexpected error: ${message}`);
}

function formatSeconds(ms: number): string {
  return `${+(ms / 1000).toFixed(1)} s`;
}
