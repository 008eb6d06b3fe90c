/**
 * Where frontends come from. The OpenBMC REST frontend lives in ./openbmc, the Redfish one in
 * ./redfish (written separately); both are loaded on first use so that a fleet of one flavor never
 * loads the other. Tests can register their own factory.
 */
import type { Frontend, FrontendFactory, SimFlavor, SimResponse } from './types.js';

const registered = new Map<SimFlavor, FrontendFactory>();

/** Replace the factory of a flavor (tests); `undefined` restores the built-in one. */
export function registerFrontend(flavor: SimFlavor, factory: FrontendFactory | undefined): void {
  if (factory) registered.set(flavor, factory);
  else registered.delete(flavor);
}

function isFactory(v: unknown): v is FrontendFactory {
  return typeof v === 'function';
}

function isModuleNotFound(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as NodeJS.ErrnoException).code;
  return (
    code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find module/.test(e.message)
  );
}

/** Answers 501 to everything: stands in while the Redfish frontend is not built. */
function unavailableFrontend(flavor: SimFlavor, why: string): FrontendFactory {
  const body = {
    error: { code: 'Base.1.0.GeneralError', message: `The ${flavor} frontend is not available: ${why}` },
  };
  return (): Frontend => ({
    flavor,
    handle: (): SimResponse => ({ status: 501, body }),
    openSessions: () => 0,
    expireSessions: () => undefined,
  });
}

export async function loadFrontendFactory(flavor: SimFlavor): Promise<FrontendFactory> {
  const own = registered.get(flavor);
  if (own) return own;
  if (flavor === 'openbmc') {
    const m = await import('./openbmc/index.js');
    return m.createOpenbmcFrontend;
  }
  // A variable specifier keeps the compiler from requiring the module to exist at build time.
  const specifier = './redfish/index.js';
  try {
    const m: Record<string, unknown> = await import(specifier);
    const f = m['createRedfishFrontend'];
    if (isFactory(f)) return f;
    return unavailableFrontend(flavor, 'src/sim/redfish/index.ts exports no createRedfishFrontend');
  } catch (e) {
    if (isModuleNotFound(e)) return unavailableFrontend(flavor, 'src/sim/redfish is not built');
    throw e;
  }
}
