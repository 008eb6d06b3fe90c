/**
 * `mgt: auto`: which protocol a BMC speaks, found without credentials. Redfish first (the
 * service root needs no auth), then the OpenBMC REST root (which answers a `{data, message, status}`
 * envelope, 401 "Login required" when not logged in). Redfish wins when a BMC has both (bmcweb).
 */
import { NodeError } from '../core/errors.js';
import type { NodeDef } from '../core/types.js';
import type { RunServices } from '../engine/executor.js';
import type { FlavorDetector } from '../engine/run.js';
import { isRecord } from './errors.js';
import { BmcTransport } from './http.js';
import type { BmcResponse } from './http.js';
import { resolveSettings } from './options.js';

function parsed(res: BmcResponse): unknown {
  try {
    return JSON.parse(res.text);
  } catch {
    return undefined;
  }
}

function isRedfishRoot(res: BmcResponse): boolean {
  const body = parsed(res);
  if (!isRecord(body)) return false;
  if (res.status === 200)
    return (
      'RedfishVersion' in body ||
      'Systems' in body ||
      String(body['@odata.type'] ?? '').includes('ServiceRoot')
    );
  // A root that wants auth still answers a Redfish error body.
  return (res.status === 401 || res.status === 403) && isRecord(body.error);
}

function isOpenBmcRoot(res: BmcResponse): boolean {
  const body = parsed(res);
  return (
    [200, 401, 403].includes(res.status) &&
    isRecord(body) &&
    'data' in body &&
    typeof body.status === 'string' &&
    typeof body.message === 'string'
  );
}

/** Probe one node; reads TLS/timeouts/debug from the services' options. */
export async function detectNodeFlavor(
  node: NodeDef,
  signal: AbortSignal,
  services: RunServices,
): Promise<string> {
  const t = new BmcTransport({ node, settings: resolveSettings(node, services.options), services, signal });
  try {
    const redfish = await t.request({ method: 'GET', path: '/redfish/v1/' });
    if (isRedfishRoot(redfish)) return 'redfish';
    const rest = await t.request({ method: 'GET', path: '/xyz/openbmc_project/' });
    if (isOpenBmcRoot(rest)) return 'openbmc';
    throw new NodeError(
      'unsupported',
      `Cannot detect the BMC flavor: GET /redfish/v1/ answered ${redfish.status} and GET /xyz/openbmc_project/ answered ${rest.status}; ` +
        'set mgt: redfish or mgt: openbmc for this node',
    );
  } finally {
    t.release();
  }
}

/** The run's detector: the probe reads TLS, pin store, timeouts and --debug from the run's services. */
export function createFlavorDetector(services: RunServices): FlavorDetector {
  return (node, signal) => detectNodeFlavor(node, signal, services);
}
