/**
 * The built-in executors, registered as lazy loaders: a command imports only the executor modules of
 * the flavors it actually meets. Each entry is (capability, flavor) → module whose default export is
 * the executor.
 */
import type { Capability, Executor } from '../engine/executor.js';
import { registerExecutor } from './registry.js';

type ExecutorModule = { default: Executor };

const BUILTIN: Array<[Capability, string, () => Promise<ExecutorModule>]> = [
  ['power', 'redfish', () => import('./redfish/power.js')],
  ['power', 'openbmc', () => import('./openbmc/power.js')],
  ['boot', 'redfish', () => import('./redfish/boot.js')],
  ['boot', 'openbmc', () => import('./openbmc/boot.js')],
  ['inventory', 'redfish', () => import('./redfish/inventory.js')],
  ['inventory', 'openbmc', () => import('./openbmc/inventory.js')],
  ['sensors', 'redfish', () => import('./redfish/sensors.js')],
  ['sensors', 'openbmc', () => import('./openbmc/sensors.js')],
  ['eventlog', 'redfish', () => import('./redfish/eventlog.js')],
  ['eventlog', 'openbmc', () => import('./openbmc/eventlog.js')],
  ['beacon', 'redfish', () => import('./redfish/beacon.js')],
  ['beacon', 'openbmc', () => import('./openbmc/beacon.js')],
  ['bmcconfig', 'redfish', () => import('./redfish/network.js')],
  ['bmcconfig', 'openbmc', () => import('./openbmc/network.js')],
  ['policy', 'redfish', () => import('./redfish/policy.js')],
  ['policy', 'openbmc', () => import('./openbmc/policy.js')],
  ['accounts', 'redfish', () => import('./redfish/accounts.js')],
  ['accounts', 'openbmc', () => import('./openbmc/accounts.js')],
  ['dump', 'redfish', () => import('./redfish/dump.js')],
  ['dump', 'openbmc', () => import('./openbmc/dump.js')],
  ['firmware', 'redfish', () => import('./redfish/firmware.js')],
  ['firmware', 'openbmc', () => import('./openbmc/firmware.js')],
];

let registered = false;

export function registerBuiltinExecutors(): void {
  if (registered) return;
  registered = true;
  for (const [capability, flavor, load] of BUILTIN) {
    registerExecutor(capability, flavor, async () => (await load()).default);
  }
}
