/**
 * Where frontends come from. The OpenBMC REST frontend lives in ./openbmc, the Redfish one in
 * ./redfish; each is imported on first use, so a fleet of one flavor never loads the other.
 * Tests can register their own factory.
 */
import type { FrontendFactory, SimFlavor } from './types.js';

const registered = new Map<SimFlavor, FrontendFactory>();

/** Replace the factory of a flavor (tests); `undefined` restores the built-in one. */
export function registerFrontend(flavor: SimFlavor, factory: FrontendFactory | undefined): void {
  if (factory) registered.set(flavor, factory);
  else registered.delete(flavor);
}

export async function loadFrontendFactory(flavor: SimFlavor): Promise<FrontendFactory> {
  const own = registered.get(flavor);
  if (own) return own;
  if (flavor === 'openbmc') {
    const m = await import('./openbmc/index.js');
    return m.createOpenbmcFrontend;
  }
  const m = await import('./redfish/index.js');
  return m.createRedfishFrontend;
}
