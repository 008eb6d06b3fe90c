/**
 * `hwctl trust NODERANGE`: fetch each BMC's certificate (nothing is sent, no credentials) and pin
 * it in known_bmcs, adding new BMCs and replacing changed fingerprints.
 */
import pMap from 'p-map';
import { NodeError, isNodeError } from '../core/errors.js';
import type { NodeDef, NodeResult } from '../core/types.js';
import type { RunServices } from '../engine/executor.js';
import { fetchFingerprint } from './agent.js';
import { transportError } from './errors.js';
import { knownBmcs, type KnownBmcs } from './known-bmcs.js';
import { resolveSettings } from './options.js';
import { dialerFor, TransportNotHere } from './transport.js';
import type { TrustResult } from './types.js';

function hostport(bmc: string): { host: string; hostport: string } {
  let url: URL;
  try {
    url = new URL(bmc.includes('://') ? bmc : `https://${bmc}`);
  } catch {
    throw new NodeError(
      'unreachable',
      `Invalid bmc address '${bmc}': use https://HOST[:PORT] in the inventory`,
    );
  }
  if (url.protocol !== 'https:')
    throw new NodeError('unsupported', `bmc ${bmc} is not https: there is no certificate to trust`);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), hostport: `${url.hostname}:${url.port || '443'}` };
}

export async function trustNode(
  node: NodeDef,
  services: RunServices,
  signal?: AbortSignal,
): Promise<TrustResult> {
  const settings = resolveSettings(node, services.options);
  const where = hostport(node.bmc);
  let fp: string;
  try {
    // Through the node's transport (a proxy, SOCKS...): the certificate pinned is the one requests will meet.
    const dial = dialerFor(node, settings.connectMs);
    if (dial && !dial.tls) {
      throw new NodeError(
        'unsupported',
        `transport ${node.transport?.name}: the local agent terminates TLS, there is no BMC certificate to trust here`,
      );
    }
    fp = await fetchFingerprint(where.hostport, settings.connectMs, signal, dial);
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    if (e instanceof NodeError) throw e;
    if (e instanceof TransportNotHere) throw new NodeError('unsupported', e.message);
    throw transportError(e, {
      node: node.name,
      host: where.host,
      hostport: where.hostport,
      connectMs: settings.connectMs,
      requestMs: settings.connectMs,
      knownBmcs: settings.knownBmcs,
    });
  }
  let r: Awaited<ReturnType<KnownBmcs['set']>>;
  try {
    r = await knownBmcs(settings.knownBmcs).set(where.hostport, fp, node.name);
  } catch (e) {
    // Unwritable file or directory, a lock held too long: the node's error, with the file named.
    throw new NodeError('tls', `Cannot update ${settings.knownBmcs}: ${(e as Error).message}`);
  }
  const out: TrustResult = { host: where.hostport, fingerprint: fp, status: r.status };
  if (r.previous) out.previous = r.previous;
  return out;
}

/**
 * Each node gets its own signal, and the run's signal one listener for the whole fan-out that aborts the
 * nodes in flight. Handing the run's signal to every node put one abort listener per node in flight on
 * that one signal (up to --fanout, 64), past EventTarget's leak threshold of 10.
 */
class NodeSignals {
  private readonly live = new Set<AbortController>();
  private readonly onAbort = () => {
    for (const c of this.live) c.abort(this.run!.reason);
  };

  constructor(private readonly run: AbortSignal | undefined) {
    run?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** A signal for one node, aborted with the run's; `done` when the node has finished. */
  open(): { signal: AbortSignal; done(): void } {
    const c = new AbortController();
    if (this.run?.aborted) c.abort(this.run.reason);
    else this.live.add(c);
    return { signal: c.signal, done: () => void this.live.delete(c) };
  }

  close(): void {
    this.run?.removeEventListener('abort', this.onAbort);
  }
}

/** Pin every node's BMC certificate; one result per node, in order. */
export async function trustNodes(
  nodes: readonly NodeDef[],
  opts: {
    services: RunServices;
    signal?: AbortSignal;
    fanout?: number;
    onResult?: (r: NodeResult<TrustResult>) => void;
  },
): Promise<NodeResult<TrustResult>[]> {
  const signals = new NodeSignals(opts.signal);
  try {
    return await pMap(
      nodes,
      async (node): Promise<NodeResult<TrustResult>> => {
        const own = signals.open();
        try {
          const r = await trustOne(node, opts.services, own.signal);
          opts.onResult?.(r);
          return r;
        } finally {
          own.done();
        }
      },
      { concurrency: Math.max(1, opts.fanout ?? 64) },
    );
  } finally {
    signals.close();
  }
}

async function trustOne(
  node: NodeDef,
  services: RunServices,
  signal: AbortSignal,
): Promise<NodeResult<TrustResult>> {
  const started = Date.now();
  try {
    const value = await trustNode(node, services, signal);
    return { node: node.name, ok: true, value, elapsedMs: Date.now() - started };
  } catch (e) {
    const err = isNodeError(e)
      ? e
      : signal.aborted
        ? new NodeError('interrupted', 'interrupted before completion')
        : new NodeError('failed', `unexpected error: ${e instanceof Error ? e.message : String(e)}`);
    const error: { kind: NodeError['kind']; message: string; status?: number } = {
      kind: err.kind,
      message: err.message,
    };
    if (err.status !== undefined) error.status = err.status;
    return { node: node.name, ok: false, error, elapsedMs: Date.now() - started };
  }
}
