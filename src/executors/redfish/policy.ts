/**
 * rspconfig policy keys on Redfish: only where a standard ComputerSystem property exists.
 *  - powerrestorepolicy: `PowerRestorePolicy` (AlwaysOn | AlwaysOff | LastState; restore = LastState);
 *  - autoreboot: `Boot.AutomaticRetryConfig` (Disabled = 0; RetryAttempts or RetryAlways = 1), which bmcweb
 *    maps onto phosphor's AutoReboot;
 *  - bootmode, powersupplyredundancy, thermalmode: OpenBMC host settings with no standard Redfish property
 *    (vendors keep them in Oem or BIOS attributes): `unsupported`, saying so.
 * A System without the property answers `unsupported` too. Writes go through patchSetting (Settings
 * object, If-Match, 202 tasks).
 */
import { NodeError } from '../../core/errors.js';
import type { NodeContext } from '../../engine/executor.js';
import { redfishClient, isRecord, type RedfishResource } from '../../bmc/index.js';
import type { PolicyExecutor, PolicyKey, PolicyReading, PolicySetOutcome } from '../../managers/bmcpolicy.js';
import { redfishQuirks } from './quirks.js';
import { patchSetting } from './settings-write.js';

const RESTORE: Record<string, string> = {
  always_on: 'AlwaysOn',
  always_off: 'AlwaysOff',
  restore: 'LastState',
};

const NO_STANDARD: Partial<Record<PolicyKey, string>> = {
  bootmode:
    'bootmode (regular/safe/setup) is an OpenBMC host setting with no standard Redfish property; not available on Redfish BMCs',
  powersupplyredundancy:
    'powersupplyredundancy has no writable standard Redfish property (vendors use Oem); not available on Redfish BMCs',
  thermalmode:
    'thermalmode has no standard Redfish property (vendors use Oem or BIOS attributes); not available on Redfish BMCs',
};

function boot(system: RedfishResource): Record<string, unknown> | undefined {
  return isRecord(system.Boot) ? system.Boot : undefined;
}

function reading(key: PolicyKey, system: RedfishResource, path: string): PolicyReading {
  const reason = NO_STANDARD[key];
  if (reason) throw new NodeError('unsupported', reason);
  if (key === 'powerrestorepolicy') {
    const raw = system.PowerRestorePolicy;
    if (typeof raw !== 'string')
      throw new NodeError(
        'unsupported',
        `${path} has no PowerRestorePolicy: powerrestorepolicy is not available`,
      );
    const r: PolicyReading = { display: raw, source: `${path} PowerRestorePolicy` };
    const value = Object.keys(RESTORE).find((k) => RESTORE[k] === raw);
    if (value) r.value = value;
    return r;
  }
  const raw = boot(system)?.AutomaticRetryConfig;
  if (typeof raw !== 'string')
    throw new NodeError(
      'unsupported',
      `${path} has no Boot.AutomaticRetryConfig: autoreboot is not available`,
    );
  return { display: raw, value: raw === 'Disabled' ? '0' : '1', source: `${path} Boot.AutomaticRetryConfig` };
}

/** The AutomaticRetryConfig value for autoreboot=1: RetryAttempts (bmcweb's), else RetryAlways if listed. */
function retryOn(system: RedfishResource): string {
  const allowed = boot(system)?.['AutomaticRetryConfig@Redfish.AllowableValues'];
  if (Array.isArray(allowed) && !allowed.includes('RetryAttempts') && allowed.includes('RetryAlways'))
    return 'RetryAlways';
  return 'RetryAttempts';
}

class RedfishPolicyExecutor implements PolicyExecutor {
  readonly capability = 'policy' as const;
  readonly flavor = 'redfish';

  async readPolicy(args: { key: PolicyKey }, ctx: NodeContext): Promise<PolicyReading> {
    if (NO_STANDARD[args.key]) throw new NodeError('unsupported', NO_STANDARD[args.key]!);
    const system = await (await redfishClient(ctx)).system();
    return reading(args.key, system, system['@odata.id'] ?? 'the System');
  }

  async setPolicy(args: { key: PolicyKey; value: string }, ctx: NodeContext): Promise<PolicySetOutcome> {
    if (NO_STANDARD[args.key]) throw new NodeError('unsupported', NO_STANDARD[args.key]!);
    const client = await redfishClient(ctx);
    const system = await client.system();
    const path = system['@odata.id'] ?? 'the System';
    const before = reading(args.key, system, path);
    if (before.value === args.value) return {};
    let body: Record<string, unknown>;
    let sent: string;
    if (args.key === 'powerrestorepolicy') {
      body = { PowerRestorePolicy: RESTORE[args.value] };
      sent = `PowerRestorePolicy=${RESTORE[args.value]!}`;
    } else {
      const v = args.value === '1' ? retryOn(system) : 'Disabled';
      body = { Boot: { AutomaticRetryConfig: v } };
      sent = `Boot.AutomaticRetryConfig=${v}`;
    }
    const w = await patchSetting(client, path, system, body, redfishQuirks(ctx));
    return w.pending === undefined ? { sent } : { sent, pending: w.pending };
  }
}

const executor: PolicyExecutor = new RedfishPolicyExecutor();
export default executor;
