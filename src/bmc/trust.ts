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
import { knownBmcs } from './known-bmcs.js';
import { resolveSettings } from './options.js';
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
    fp = await fetchFingerprint(where.hostport, settings.connectMs, signal);
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    throw transportError(e, {
      node: node.name,
      host: where.host,
      hostport: where.hostport,
      connectMs: settings.connectMs,
      requestMs: settings.connectMs,
      knownBmcs: settings.knownBmcs,
    });
  }
  const r = knownBmcs(settings.knownBmcs).set(where.hostport, fp, node.name);
  const out: TrustResult = { host: where.hostport, fingerprint: fp, status: r.status };
  if (r.previous) out.previous = r.previous;
  return out;
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
  return pMap(
    nodes,
    async (node): Promise<NodeResult<TrustResult>> => {
      const r = await trustOne(node, opts);
      opts.onResult?.(r);
      return r;
    },
    { concurrency: Math.max(1, opts.fanout ?? 64) },
  );
}

async function trustOne(
  node: NodeDef,
  opts: { services: RunServices; signal?: AbortSignal },
): Promise<NodeResult<TrustResult>> {
  const started = Date.now();
  try {
    const value = await trustNode(node, opts.services, opts.signal);
    return { node: node.name, ok: true, value, elapsedMs: Date.now() - started };
  } catch (e) {
    const err = isNodeError(e)
      ? e
      : opts.signal?.aborted
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
