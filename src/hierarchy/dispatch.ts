/**
 * The control host's side: split the selected nodes by service node, run each service node's share
 * there over ssh (protocol.ts), the rest here, and hand every result to the one renderer as if it had
 * run here. Every node gets exactly one result whatever happens to its service node: unreachable, the
 * wrong hwctl version, a connection lost halfway, an interrupt.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { NodeErrorKind } from '../core/errors.js';
import type { NodeDef, NodeOutcome, NodeResult } from '../core/types.js';
import type { GlobalArgs } from '../cli/global-options.js';
import type { RunServices } from '../engine/executor.js';
import type { ServiceNodeDef } from '../inventory/servicenodes.js';
import { foldNodes } from '../noderange/nodeset.js';
import type { Sink } from '../output/render.js';
import { recordedInvocation } from '../cli/invocation.js';
import { remoteArgv } from './argv.js';
import { makeEnvelope, PROTOCOL, type Hello, type ResultEvent } from './protocol.js';
import { shellQuote } from '../core/text.js';
import { controlDir, sshCommand } from './ssh.js';
import { HWCTL_VERSION } from '../core/version.js';

export interface DispatchOptions {
  args: GlobalArgs;
  /** The noderange as typed (replaced by each service node's nodes on its command line). */
  noderange: string;
  /** The inventory file, named in the service node's messages. */
  origin: string;
  plugins: readonly string[];
  servicenodes: ReadonlyMap<string, ServiceNodeDef>;
  passwords: ReadonlyMap<string, string | undefined>;
  services: RunServices;
  /** Where a service node's stderr (warnings, --debug) goes, each line prefixed with its name. */
  sink: Sink;
  signal: AbortSignal;
  onResult(r: NodeResult): void;
  /** Keep values in the returned outcomes (as the engine's retainValues). */
  retainValues: boolean;
  /** After an interrupt, how long a service node has to log out and answer before its ssh is killed. */
  graceMs?: number;
}

/**
 * Run `nodes`: those without a service node through `runHere`, each service node's over ssh, all at
 * once. Outcomes come back in the order of `nodes`.
 */
export async function runWithServiceNodes(
  nodes: readonly NodeDef[],
  runHere: (local: NodeDef[]) => Promise<readonly NodeOutcome[]>,
  o: DispatchOptions,
): Promise<NodeOutcome[]> {
  const local: NodeDef[] = [];
  const bySn = new Map<string, NodeDef[]>();
  for (const n of nodes) {
    if (n.servicenode === undefined) local.push(n);
    else {
      const list = bySn.get(n.servicenode) ?? [];
      list.push(n);
      bySn.set(n.servicenode, list);
    }
  }
  const runs = await Promise.all([
    local.length > 0 ? runHere(local) : Promise.resolve([]),
    ...[...bySn].map(([name, list]) => runServiceNode(o.servicenodes.get(name)!, list, o)),
  ]);
  const byNode = new Map<string, NodeOutcome>();
  for (const outcomes of runs) for (const r of outcomes) byNode.set(r.node, r);
  return nodes.map((n) => byNode.get(n.name)!);
}

const TAIL = 5;
const DEFAULT_GRACE_MS = 15_000;

/** One service node's share: ssh, handshake, envelope, results; a failure of any step fails its nodes. */
export function runServiceNode(
  sn: ServiceNodeDef,
  nodes: readonly NodeDef[],
  o: DispatchOptions,
): Promise<NodeOutcome[]> {
  const names = new Set(nodes.map((n) => n.name));
  const outcomes = new Map<string, NodeOutcome>();
  const started = Date.now();
  const finish = (r: NodeResult) => {
    if (!names.has(r.node) || outcomes.has(r.node)) return; // exactly one result per node, only its own
    r.servicenode = sn.name;
    outcomes.set(r.node, o.retainValues || !r.ok ? r : { node: r.node, ok: true, elapsedMs: r.elapsedMs });
    o.onResult(r);
  };
  const failRest = (kind: NodeErrorKind, message: string) => {
    for (const n of nodes) {
      if (outcomes.has(n.name)) continue;
      finish({ node: n.name, ok: false, error: { kind, message }, elapsedMs: Date.now() - started });
    }
  };
  const inOrder = () => nodes.map((n) => outcomes.get(n.name)!);

  const invoked = recordedInvocation();
  let argv: string[];
  try {
    if (!invoked) throw new Error('the command line was not recorded');
    const remote = remoteArgv(invoked, o.noderange, foldNodes([...names]), o.args);
    argv = sshCommand(sn, remote, controlDir());
  } catch (e) {
    failRest('failed', `service node ${sn.name}: ${e instanceof Error ? e.message : String(e)}`);
    return Promise.resolve(inOrder());
  }
  o.services.debug?.(sn.name, `ssh ${argv.map(shellQuote).join(' ')}`);
  if (o.signal.aborted) {
    failRest('interrupted', 'interrupted before completion');
    return Promise.resolve(inOrder());
  }

  return new Promise((resolve) => {
    // Its own process group: a Ctrl-C at the terminal reaches hwctl only, which then closes the
    // service node's stdin so that it stops and logs out (an ssh killed by the same Ctrl-C would
    // leave the service node to find out only when it next writes).
    const child = spawn('ssh', argv, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let hello: Hello | undefined;
    let refused: { kind: NodeErrorKind; message: string } | undefined;
    const stderrTail: string[] = [];
    let spawnError: Error | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    child.stdin.on('error', () => undefined); // ssh gone: its exit says why

    const onAbort = () => {
      child.stdin.end();
      graceTimer = setTimeout(() => child.kill('SIGTERM'), o.graceMs ?? DEFAULT_GRACE_MS);
      graceTimer.unref();
    };
    o.signal.addEventListener('abort', onAbort, { once: true });

    createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (line) => {
      stderrTail.push(line);
      if (stderrTail.length > TAIL) stderrTail.shift();
      // Before the handshake these are ssh's own messages (kept for the nodes' error); after it, the
      // service node's warnings and --debug lines.
      if (hello) o.sink.err(`${sn.name}: ${line}`);
    });

    createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(line) as Record<string, unknown>;
      } catch {
        // A login script's chatter before hwctl starts is skipped; after the handshake it is a fault.
        o.services.debug?.(sn.name, `not a protocol line: ${line.slice(0, 200)}`);
        return;
      }
      if (!hello) {
        if (event.type !== 'hello') return;
        const h = event as unknown as Hello;
        if (h.protocol !== PROTOCOL || h.version !== HWCTL_VERSION) {
          // Nothing is sent to a different hwctl: not the passwords, not the command.
          refused = {
            kind: 'protocol',
            message:
              `service node ${sn.name} runs hwctl ${String(h.version)} (protocol ${String(h.protocol)}), ` +
              `this host ${HWCTL_VERSION} (protocol ${PROTOCOL}): install the same version on both (docs/hierarchy.md)`,
          };
          child.stdin.end();
          return;
        }
        hello = h;
        const envelope = makeEnvelope(
          nodes,
          o.passwords,
          o.plugins,
          `${o.origin} (via the control host)`,
          HWCTL_VERSION,
        );
        child.stdin.write(JSON.stringify(envelope) + '\n');
        if (o.signal.aborted) child.stdin.end();
        return;
      }
      if (event.type === 'result') finish(resultFrom(event as unknown as ResultEvent));
      else if (event.type === 'summary')
        child.stdin.end(); // its run is over
      else if (event.type === 'progress' && typeof event.node === 'string' && names.has(event.node)) {
        o.services.progress?.(event.node, String(event.state));
      }
    });

    let done = false;
    const end = (code: number | null, signal: NodeJS.Signals | null) => {
      if (done) return;
      done = true;
      o.signal.removeEventListener('abort', onAbort);
      if (graceTimer) clearTimeout(graceTimer);
      const failure = refused ?? whyMissing(sn, { code, signal, hello, spawnError, tail: stderrTail });
      failRest(
        o.signal.aborted && !refused ? 'interrupted' : failure.kind,
        o.signal.aborted && !refused ? 'interrupted before completion' : failure.message,
      );
      resolve(inOrder());
    };
    child.on('error', (e) => {
      spawnError = e;
      end(null, null);
    });
    child.on('close', end);
  });
}

/** A result line as the NodeResult the renderer takes: `raw` is the value as the command made it. */
function resultFrom(e: ResultEvent): NodeResult {
  const elapsedMs = typeof e.elapsedMs === 'number' ? e.elapsedMs : 0;
  const quirks = Array.isArray(e.quirks) ? { quirks: e.quirks } : {};
  if (e.ok) return { node: e.node, ok: true, value: 'raw' in e ? e.raw : e.value, ...quirks, elapsedMs };
  const error = e.error ?? { kind: 'failed' as const, message: 'no error given by the service node' };
  return { node: e.node, ok: false, error, ...quirks, elapsedMs };
}

/** Why a service node's nodes have no result, from how its ssh ended. */
function whyMissing(
  sn: ServiceNodeDef,
  e: {
    code: number | null;
    signal: NodeJS.Signals | null;
    hello?: Hello;
    spawnError?: Error;
    tail: readonly string[];
  },
): { kind: NodeErrorKind; message: string } {
  const what = `service node ${sn.name}${sn.host !== sn.name ? ` (${sn.host})` : ''}`;
  if (e.spawnError) {
    const code = (e.spawnError as NodeJS.ErrnoException).code ?? e.spawnError.message;
    return { kind: 'unreachable', message: `${what}: cannot run ssh (${code}); install OpenSSH's client` };
  }
  const said = e.tail.length > 0 ? `: ${e.tail.join(' / ')}` : '';
  const how = e.signal ? `ssh ended by ${e.signal}` : `exit ${e.code}`;
  if (!e.hello) {
    if (e.code === 255) {
      // ssh's own failure: connection refused, DNS, host key, authentication.
      const auth = e.tail.some((l) =>
        /Permission denied|Host key verification failed|Too many authentication/.test(l),
      );
      return { kind: auth ? 'auth' : 'unreachable', message: `${what} is unreachable over ssh${said}` };
    }
    if (e.code === 127 || e.code === 126) {
      return {
        kind: 'unsupported',
        message: `${what}: cannot run '${sn.hwctl}' there (${how}${said}); set hwctl: under servicenodes: (docs/hierarchy.md)`,
      };
    }
    return {
      kind: 'protocol',
      message: `${what}: hwctl there did not answer the service-node protocol (${how}${said}); is it older than ${HWCTL_VERSION}?`,
    };
  }
  return {
    kind: e.code === 255 ? 'unreachable' : 'failed',
    message: `${what} ended before this node's result (${how}${said})`,
  };
}
