/**
 * The BMC layer: HTTP transport, TLS, the Redfish and OpenBMC REST clients, the session ledger.
 *
 * Executors use `redfishClient(ctx)` / `openbmcClient(ctx)`: one logged-in client per node per run
 * (ctx.shared), logged out by ctx.defer on every exit path. The CLI uses `createFlavorDetector`,
 * `trustNodes`, `closeAllSessions` and the option names in `BMC_OPTIONS` (services.options).
 */
import type { NodeDef, NodeResult } from '../core/types.js';
import type { NodeContext, RunServices } from '../engine/executor.js';
import type { FlavorDetector } from '../engine/run.js';
import type { OpenBmcClient, OpenSession, RedfishClient, TrustResult } from './types.js';

export type * from './types.js';

/** The logged-in Redfish client for this node, created once per node per run (ctx.shared) and
 *  closed by ctx.defer on every exit path (DELETE of the session). */
export async function redfishClient(_ctx: NodeContext): Promise<RedfishClient> {
  throw new Error('not implemented yet');
}

/** The logged-in OpenBMC REST client for this node (cookie + Basic), logged out by ctx.defer. */
export async function openbmcClient(_ctx: NodeContext): Promise<OpenBmcClient> {
  throw new Error('not implemented yet');
}

/** `mgt: auto`: probe `/redfish/v1/`, then the OpenBMC REST root. Reads TLS/timeout overrides and
 *  --debug from `services.options`. */
export function createFlavorDetector(_services: RunServices): FlavorDetector {
  throw new Error('not implemented yet');
}

/** Detector with no CLI overrides (inventory settings only). Prefer createFlavorDetector(services). */
export const detectFlavor: FlavorDetector = async () => {
  throw new Error('not implemented yet');
};

/** `hwctl trust NODERANGE`: fetch each BMC's certificate and pin (add or update) it in known_bmcs. */
export async function trustNodes(
  _nodes: readonly NodeDef[],
  _opts: { services: RunServices; signal?: AbortSignal; fanout?: number },
): Promise<NodeResult<TrustResult>[]> {
  throw new Error('not implemented yet');
}

/** Sessions this process currently holds (the ledger). */
export function openSessions(): OpenSession[] {
  return [];
}

/** Close every open session in parallel, waiting at most timeoutMs (the CLI calls it on SIGINT/SIGTERM). */
export async function closeAllSessions(_timeoutMs: number): Promise<void> {}

export { BMC_OPTIONS, DEFAULTS as BMC_DEFAULTS, defaultKnownBmcsPath } from './options.js';
