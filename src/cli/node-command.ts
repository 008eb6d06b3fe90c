/**
 * The pipeline every node command shares:
 *   inventory → noderange → plugins → secrets → manager's request → engine fan-out → renderer → exit code.
 * Usage, inventory and noderange errors end here with exit 2 before any BMC is touched.
 */
import { Chalk } from 'chalk';
import { accessSync, constants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { HwctlUsageError } from '../core/errors.js';
import type { NodeDef, NodeOutcome, NodeResult } from '../core/types.js';
import type { RunServices } from '../engine/executor.js';
import type { RunRequest } from '../engine/run.js';
import { EXIT } from './exit-codes.js';
import { bmcOptionsFrom, type GlobalArgs } from './global-options.js';
import { failedNodes, saveFailed, writeFailedTo } from './failed.js';
import { AuditLog } from './audit.js';
import { PinGatherer } from './pins.js';
import { checkMaxNodes, type Effect } from './safety.js';
import { ProgressLine } from '../output/progress.js';
import { openInventory, selectNodes } from './select.js';
import { clip } from '../noderange/limits.js';
import { resolvePasswords } from '../inventory/index.js';
import { createRenderer, type Sink } from '../output/render.js';
import { summarize, summaryLine } from '../output/summary.js';
import type { ResultView } from '../output/view.js';

export interface NodeCommandSpec<A, R> {
  /** The command as the user typed it, for json output (`rpower stat`). */
  command: string;
  noderange: string;
  /** Build the engine request from the selected nodes (the manager does this)... */
  request?(nodes: NodeDef[]): RunRequest<A, R>;
  /** ...or run the nodes some other way (e.g. `trust`, which is not a BMC capability). */
  execute?(nodes: NodeDef[], opts: ExecuteOptions): Promise<NodeResult<R>[]>;
  view: ResultView<R>;
  /** Default per-node deadline when --timeout is not given. */
  defaultTimeoutMs: number;
  /**
   * What the command does to the nodes: absent for reads; `change` sends an action (each node's result
   * goes to the audit log); `destructive` also needs --yes above --max-nodes nodes (src/cli/safety.ts).
   */
  effect?: Effect;
  /**
   * How this command prefers to authenticate to a Redfish BMC whose `auth` is `auto` (flag and inventory
   * win): `basic` for a command of at most two requests per node, where a session's login and logout would
   * double the requests or more (docs/performance.md, "Session or Basic, per command"). A Basic refused
   * with 401 still falls back to a session. Absent: a session.
   */
  preferredAuth?: 'basic';
  /**
   * Progress states (services.progress) are printed as plain `node: state` lines on stderr when there is
   * no live status line (not a terminal), not only with --verbose: a long rflash says what it is doing.
   */
  plainProgress?: boolean;
  /** Adjust results after the run (e.g. `--expect` turns a mismatch into a failure). */
  postProcess?(results: NodeResult<R>[]): NodeResult<R>[];
}

export interface ExecuteOptions {
  services: RunServices;
  signal: AbortSignal;
  fanout: number;
  onResult?: (r: NodeResult) => void;
}

export const stdSink: Sink = {
  out: (t) => void process.stdout.write(t + '\n'),
  err: (t) => void process.stderr.write(t + '\n'),
};

export function chalkFor(args: Pick<GlobalArgs, 'color'>, stream: NodeJS.WriteStream = process.stdout) {
  const enabled =
    args.color ?? (Boolean(stream.isTTY) && !('NO_COLOR' in process.env && process.env.NO_COLOR !== ''));
  return new Chalk({ level: enabled ? 1 : 0 });
}

export async function readStdinOnce(option = '--password-stdin'): Promise<string> {
  if (process.stdin.isTTY) {
    throw new HwctlUsageError(`${option}: standard input is a terminal; pipe the password in`);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (!text) throw new HwctlUsageError(`${option}: standard input was empty`);
  return text;
}

/** A file the run will write at the end: its folder must exist and be writable now, before any BMC is touched. */
function checkWritable(flag: string, file: string): void {
  const dir = dirname(resolve(file));
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new HwctlUsageError(
      `${flag} ${file}: cannot write in ${dir} (${(e as NodeJS.ErrnoException).code ?? e})`,
    );
  }
}

/**
 * The run's failed nodes: to `--failed-to FILE`, and to the state directory for `@failed`. A state
 * directory that cannot be written is a warning (the run's results stand); `--failed-to` that cannot be
 * written is an error the caller sees.
 */
async function recordFailed(
  args: GlobalArgs,
  command: string,
  failed: string[],
  sink: Sink,
): Promise<boolean> {
  let ok = true;
  if (args.failedTo !== undefined) {
    try {
      writeFailedTo(args.failedTo, failed);
    } catch (e) {
      sink.err(
        `Error: --failed-to: cannot write ${args.failedTo} (${(e as NodeJS.ErrnoException).code ?? e})`,
      );
      ok = false;
    }
  }
  try {
    await saveFailed(failed, command);
  } catch (e) {
    sink.err(`Warning: cannot record the failed nodes for @failed (${e instanceof Error ? e.message : e})`);
  }
  return ok;
}

export async function runNodeCommand<A, R>(
  args: GlobalArgs,
  spec: NodeCommandSpec<A, R>,
  given: Sink = stdSink,
): Promise<number> {
  const started = Date.now();
  // The live status line: on a terminal only, never with -q, nor with ndjson (which streams anyway).
  const progress =
    given === stdSink && process.stderr.isTTY && !args.quiet && args.output !== 'ndjson'
      ? new ProgressLine(process.stderr)
      : undefined;
  // Everything written goes through here, so the status line is erased before it.
  const sink = progress ? progress.wrap(given) : given;
  const color = chalkFor(args);
  const controller = new AbortController();
  // On a service node (--sn-stdin), the inventory slice and its passwords come from the control host on
  // stdin, and stdin closing stops the run as Ctrl-C does (src/hierarchy, docs/hierarchy.md).
  const remote = args.snStdin ? await import('../hierarchy/remote.js') : undefined;
  const slice = await remote?.receiveSlice(sink.out, () => {
    if (!controller.signal.aborted) controller.abort(new Error('the control host went away'));
  });
  const inv = slice ? slice.inventory : await openInventory(args.inventory);
  for (const w of inv.warnings) sink.err(`Warning: ${w}`);
  const nodes = selectNodes(inv, spec.noderange);
  if (nodes.length === 0) throw new HwctlUsageError(`noderange '${clip(spec.noderange)}' selects no nodes`);
  if (args.failedTo !== undefined) checkWritable('--failed-to', args.failedTo);
  checkMaxNodes(spec.effect, spec.command, nodes.length, args);

  const [{ loadPlugins, validateNodes }, { registerBuiltinExecutors }] = await Promise.all([
    import('../executors/registry.js'),
    import('../executors/builtin.js'),
  ]);
  registerBuiltinExecutors();
  await loadPlugins(inv.plugins);
  // Every selected node's mgt: and transport: against what the built-ins and plugins registered.
  validateNodes(nodes);
  // Every selected node's password now, so a missing variable or unreadable file is one usage error
  // (exit 2) before any BMC is touched, not a thousand node errors.
  const stdin = args.passwordStdin ? await readStdinOnce() : undefined;
  const { passwords, warnings } = slice
    ? { passwords: slice.passwords, warnings: [] }
    : await resolvePasswords(nodes, { stdin });
  for (const w of warnings) sink.err(color.yellow(`Warning: ${w}`));
  // --record DIR is created now: one it cannot be is a usage error before any BMC is touched.
  if (args.record) (await import('../bmc/recorder.js')).prepareRecordDir(args.record);

  const warned = new Set<string>();
  const pins = new PinGatherer();
  let pinsShown = false;
  const showPins = async () => {
    if (pinsShown) return;
    pinsShown = true;
    const warning = pins.warning((await import('../bmc/index.js')).pinnedMessage);
    if (warning) sink.err(color.yellow(`Warning: ${warning}`));
  };
  const services: RunServices = {
    warn: (m) => {
      if (!warned.has(m)) {
        warned.add(m);
        sink.err(color.yellow(`Warning: ${m}`));
      }
    },
    debug: args.debug
      ? (node, line) => sink.err(`${new Date().toISOString()} ${node}: [debug] ${line}`)
      : undefined,
    options: { ...bmcOptionsFrom(args), ...(spec.preferredAuth === 'basic' ? { preferBasic: true } : {}) },
    pinned: (pin) => pins.add(pin),
    progress: (node, state) => {
      progress?.state(node, state);
      if (renderer.progress) renderer.progress(node, state);
      else if (args.verbose || (spec.plainProgress && !progress && !args.quiet))
        sink.err(color.dim(`${node}: ${state}`));
    },
  };

  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      sink.err(
        color.yellow(`hwctl: ${sig}: stopping; finished nodes keep their results (again to quit at once)`),
      );
      controller.abort(new Error(sig));
    } else {
      // Second signal: close what sessions we can in one second, then go.
      void import('../bmc/index.js')
        .then((m) => m.closeAllSessions(1000))
        .finally(() => process.exit(EXIT.interrupted));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // The probe of `mgt: auto` nodes talks to the BMC like the command does: the same services (flags,
  // pin store, timeouts, --debug, warnings), or -k and `hwctl trust` would not reach it.
  const detectFlavor = nodes.some((n) => n.mgt === 'auto')
    ? (await import('../bmc/index.js')).createFlavorDetector(services)
    : undefined;
  const { runOperation } = await import('../engine/run.js');
  // Nodes with a service node run there (over ssh), the others here; one renderer for all.
  const hierarchy =
    !slice && nodes.some((n) => n.servicenode !== undefined)
      ? await import('../hierarchy/dispatch.js')
      : undefined;
  const renderer = remote
    ? remote.protocolRenderer(spec.view, spec.command, sink.out)
    : createRenderer({
        format: args.output,
        command: spec.command,
        view: spec.view,
        collate: args.collate,
        color,
        sink,
        nodes: nodes.map((n) => n.name),
        width: process.stdout.isTTY ? process.stdout.columns : undefined,
      });
  const engineOptions = {
    fanout: args.fanout,
    timeoutMs: args.timeout !== undefined ? args.timeout * 1000 : spec.defaultTimeoutMs,
    signal: controller.signal,
    services,
    passwords,
    detectFlavor,
  };
  const executeOptions = { services, signal: controller.signal, fanout: args.fanout };
  type RunOpts = {
    onResult: (r: NodeResult) => void;
    onStart?: (node: string) => void;
    retainValues?: boolean;
  };
  const runHere = (these: NodeDef[], o: RunOpts): Promise<readonly NodeOutcome[]> =>
    spec.execute
      ? spec.execute(these, { ...executeOptions, onResult: o.onResult })
      : runOperation(spec.request!(these), { ...engineOptions, ...o });
  const runNodes = (o: RunOpts): Promise<readonly NodeOutcome[]> =>
    hierarchy
      ? hierarchy.runWithServiceNodes(nodes, (local) => runHere(local, o), {
          args,
          noderange: spec.noderange,
          origin: inv.file,
          plugins: inv.plugins,
          servicenodes: inv.servicenodes,
          passwords,
          services,
          sink,
          signal: controller.signal,
          onResult: o.onResult,
          retainValues: o.retainValues ?? true,
        })
      : runHere(nodes, o);
  progress?.begin(nodes.length);
  const audit = spec.effect && new AuditLog(spec.command, spec.effect, spec.view);
  const flushAudit = async () => {
    try {
      await audit?.flush();
    } catch (e) {
      sink.err(`Warning: cannot write the audit log (${e instanceof Error ? e.message : e})`);
    }
  };
  try {
    let outcomes: readonly NodeOutcome[];
    if (spec.postProcess) {
      // postProcess needs every value first (rpower --expect); those values are small.
      const onResult = (r: NodeResult) => progress?.finished(r.node, r.ok);
      const onStart = progress && ((node: string) => progress.started(node));
      const results = spec.postProcess((await runNodes({ onResult, onStart })) as NodeResult<R>[]);
      progress?.stop();
      for (const r of results) {
        audit?.add(r);
        renderer.result(r);
      }
      outcomes = results;
    } else {
      // Each value goes to the renderer as its node finishes and is not kept: memory stays flat with
      // the fleet (a 5,000-node rinv would otherwise hold every node's inventory until the end).
      const onResult = (r: NodeResult) => {
        progress?.finished(r.node, r.ok);
        audit?.add(r);
        renderer.result(r);
      };
      const onStart = progress && ((node: string) => progress.started(node));
      outcomes = await runNodes({ onResult, onStart, retainValues: false });
    }
    progress?.stop();
    const summary = summarize(outcomes, Date.now() - started);
    renderer.end(summary);
    await showPins();
    await flushAudit();
    // @failed and --failed-to belong to the control host's run, not to a service node's share of it.
    const recorded = slice ? true : await recordFailed(args, spec.command, failedNodes(outcomes), sink);
    if (outcomes.length > 1 && !args.quiet) {
      const line = summaryLine(summary);
      sink.err(summary.failed ? color.red(line) : color.green(line));
    }
    if (controller.signal.aborted) return EXIT.interrupted;
    return summary.failed || !recorded ? EXIT.nodeFailed : EXIT.ok;
  } finally {
    progress?.stop();
    await flushAudit(); // what finished before an unexpected error
    await showPins();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    slice?.done();
    // Nodes close their own sessions (ctx.defer); this catches any left by an unexpected exception
    // outside a node's operation. A no-op when the ledger is empty.
    const bmc = await import('../bmc/index.js');
    if (bmc.openSessions().length > 0) await bmc.closeAllSessions(2000);
    // What this run discovered, for the next one: one locked write per run.
    await bmc.flushDiscoveryCaches();
  }
}
