/**
 * The BMC layer: HTTP transport, TLS, the Redfish and OpenBMC REST clients, the session ledger.
 *
 * Executors use `redfishClient(ctx)` / `openbmcClient(ctx)`: one logged-in client per node per run
 * (ctx.shared), logged out by ctx.defer on every exit path. The CLI uses `createFlavorDetector`,
 * `trustNodes`, `closeAllSessions` and the option names in `BMC_OPTIONS` (services.options).
 */
import type { NodeContext } from '../engine/executor.js';
import { discoveryCache } from './discovery-cache.js';
import { BmcTransport } from './http.js';
import { OpenBmc } from './openbmc.js';
import { discoveryCacheFile, resolveSettings } from './options.js';
import { Redfish } from './redfish.js';
import type { DiscoveryHandle } from './redfish.js';
import { sessionClosed } from './session.js';
import type { OpenBmcClient, RedfishClient } from './types.js';

export type * from './types.js';
export { BMC_OPTIONS, DEFAULTS as BMC_DEFAULTS, defaultKnownBmcsPath, resolveSettings } from './options.js';
export type { NodeTransportSettings } from './options.js';
export { createFlavorDetector } from './detect.js';
export { trustNodes, trustNode } from './trust.js';
export { pinnedMessage } from './known-bmcs.js';
export { openSessions, closeAllSessions } from './ledger.js';
export { destroyAgents } from './agent.js';
export { NO_RESPONSE, isRecord } from './errors.js';
export { flushDiscoveryCaches } from './discovery-cache.js';

/**
 * Nodes whose cleanups have run (keyed by the node's signal, which its renewable contexts share). The
 * engine then forgets the node's clients, so a call that comes later still (an operation that went on past
 * its deadline) would make a new client and log in, with a logout registered among cleanups that already
 * ran: it fails instead.
 */
const finished = new WeakSet<AbortSignal>();

function open(ctx: NodeContext): void {
  if (finished.has(ctx.signal)) throw sessionClosed();
}

/** The node's transport (one per node per run). */
function transport(ctx: NodeContext): BmcTransport {
  return ctx.shared('bmc:transport', () => {
    const t = new BmcTransport({
      node: ctx.node,
      settings: resolveSettings(ctx.node, ctx.services.options),
      services: ctx.services,
      signal: ctx.signal,
      ...(ctx.password !== undefined ? { password: ctx.password } : {}),
    });
    // Registered before any client's logout, so it runs after it (cleanups run most recent first).
    ctx.defer(() => {
      t.release();
      finished.add(ctx.signal);
    });
    return t;
  });
}

/** The node's transport, for plugin protocols (api.bmc(ctx), src/executors/registry.ts). */
export function nodeTransport(ctx: NodeContext): BmcTransport {
  open(ctx);
  return transport(ctx);
}

/**
 * This node's entry in the run's discovery cache, or undefined with --no-cache. Keyed by the BMC origin and
 * the inventory's `system:` (the blades of one enclosure share an origin).
 */
function discoveryHandle(ctx: NodeContext, t: BmcTransport): DiscoveryHandle | undefined {
  const file = discoveryCacheFile(ctx.services.options);
  if (file === undefined) return undefined;
  const cache = discoveryCache(file, (m) => ctx.services.warn(m));
  const key = `${t.origin} ${ctx.node.system ?? ''}`;
  return {
    entry: cache.get(key),
    save: (e) => cache.set(key, e),
    drop: () => cache.drop(key),
  };
}

/** The logged-in Redfish client for this node, created once per node per run (ctx.shared) and
 *  closed by ctx.defer on every exit path (DELETE of the session). */
export function redfishClient(
  ctx: NodeContext,
  opts: { preferBasic?: boolean } = {},
): Promise<RedfishClient> {
  return ctx.shared('bmc:redfish', () => {
    let t: BmcTransport;
    let cache: DiscoveryHandle | undefined;
    try {
      open(ctx);
      t = transport(ctx);
      cache = discoveryHandle(ctx, t);
    } catch (e) {
      return Promise.reject(e);
    }
    const client = new Redfish({
      transport: t,
      username: ctx.node.username,
      password: ctx.password,
      auth: t.settings.auth,
      ...(ctx.node.system !== undefined ? { system: ctx.node.system } : {}),
      ...(cache ? { cache } : {}),
      // The command's preference (NodeCommandSpec.preferredAuth) or the caller's; only with auth auto.
      ...(opts.preferBasic || ctx.services.options.preferBasic === true ? { preferBasic: true } : {}),
    });
    ctx.defer(() => client.close());
    return client.login().then(
      () => client as RedfishClient,
      (e: unknown) => {
        // A failed login is not kept: a later step of this node (polling a rebooting BMC) logs in afresh.
        ctx.forget('bmc:redfish');
        throw e;
      },
    );
  });
}

/** The logged-in OpenBMC REST client for this node (cookie + Basic), logged out by ctx.defer. */
export function openbmcClient(ctx: NodeContext): Promise<OpenBmcClient> {
  return ctx.shared('bmc:openbmc', () => {
    try {
      open(ctx);
    } catch (e) {
      return Promise.reject(e);
    }
    const client = new OpenBmc({
      transport: transport(ctx),
      username: ctx.node.username,
      password: ctx.password,
    });
    ctx.defer(() => client.close());
    return client.login().then(
      () => client as OpenBmcClient,
      (e: unknown) => {
        ctx.forget('bmc:openbmc');
        throw e;
      },
    );
  });
}
