/**
 * The built-in protocols (`mgt: redfish`, `mgt: openbmc`), registered through the same call plugins use
 * (registerProtocol), as lazy loaders: a command imports only the executor modules of the flavors it
 * actually meets. Each entry is capability → module whose default export is the executor.
 */
import type { Capability, Executor } from '../engine/executor.js';
import { registerProtocol } from './registry.js';

type ExecutorModule = { default: Executor };
type Modules = Partial<Record<Capability, () => Promise<ExecutorModule>>>;

const REDFISH: Modules = {
  power: () => import('./redfish/power.js'),
  boot: () => import('./redfish/boot.js'),
  inventory: () => import('./redfish/inventory.js'),
  sensors: () => import('./redfish/sensors.js'),
  eventlog: () => import('./redfish/eventlog.js'),
  beacon: () => import('./redfish/beacon.js'),
  bmcconfig: () => import('./redfish/network.js'),
  policy: () => import('./redfish/policy.js'),
  accounts: () => import('./redfish/accounts.js'),
  dump: () => import('./redfish/dump.js'),
  sshcfg: () => import('./redfish/sshcfg.js'),
  firmware: () => import('./redfish/firmware.js'),
};

const OPENBMC: Modules = {
  power: () => import('./openbmc/power.js'),
  boot: () => import('./openbmc/boot.js'),
  inventory: () => import('./openbmc/inventory.js'),
  sensors: () => import('./openbmc/sensors.js'),
  eventlog: () => import('./openbmc/eventlog.js'),
  beacon: () => import('./openbmc/beacon.js'),
  bmcconfig: () => import('./openbmc/network.js'),
  policy: () => import('./openbmc/policy.js'),
  accounts: () => import('./openbmc/accounts.js'),
  dump: () => import('./openbmc/dump.js'),
  sshcfg: () => import('./openbmc/sshcfg.js'),
  firmware: () => import('./openbmc/firmware.js'),
};

function executors(modules: Modules): Partial<Record<Capability, () => Promise<Executor>>> {
  return Object.fromEntries(
    Object.entries(modules).map(([cap, load]) => [cap, async () => (await load()).default]),
  );
}

let registered = false;

export function registerBuiltinExecutors(): void {
  if (registered) return;
  registered = true;
  registerProtocol({ name: 'redfish', summary: 'DMTF Redfish', executors: executors(REDFISH) });
  registerProtocol({
    name: 'openbmc',
    summary: 'OpenBMC REST (phosphor-rest)',
    executors: executors(OPENBMC),
  });
}
