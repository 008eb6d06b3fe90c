/**
 * Boot override primitives for Redfish BMCs: `Boot.BootSourceOverride{Target,Enabled,Mode}` on the System.
 *
 * Vendor realities handled here (docs/commands/rsetboot.md, reference redfish.md "Boot override"):
 *  - the target (and Once/Continuous, and the mode) is checked against the BMC's AllowableValues first, so
 *    a refusal names what this BMC allows instead of a 400 from the BMC;
 *  - BootSourceOverrideMode is sent only with -u (HPE answers 400 when it is sent at all), except that a BMC
 *    which says the mode is required gets its current mode echoed back, once;
 *  - BMCs that only take the change on their `@Redfish.Settings` object (AMI) get it there;
 *  - a System without a Boot object (Cray EX) is `unsupported`.
 */
import { NodeError, isNodeError } from '../../core/errors.js';
import type { NodeContext } from '../../engine/executor.js';
import { redfishClient, type RedfishClient, type RedfishResource } from '../../bmc/index.js';
import type { BootDevice, BootExecutor, BootSetArgs, BootSetting } from '../../managers/boot.js';

/** hwctl device → BootSourceOverrideTarget (xCAT's mapping). */
export const REDFISH_TARGETS: Record<BootDevice, string> = {
  hd: 'Hdd',
  net: 'Pxe',
  cd: 'Cd',
  default: 'None',
  setup: 'BiosSetup',
  floppy: 'Floppy',
};

/** BootSourceOverrideTarget → xCAT's display word. */
const DISPLAY: Record<string, string> = {
  Hdd: 'Hard Drive',
  Pxe: 'Network',
  Cd: 'CD/DVD',
  Floppy: 'Floppy',
  BiosSetup: 'BIOS Setup',
  None: 'boot override inactive',
};
export const INACTIVE = 'boot override inactive';

interface BootObject {
  BootSourceOverrideTarget?: unknown;
  BootSourceOverrideEnabled?: unknown;
  BootSourceOverrideMode?: unknown;
  [key: string]: unknown;
}

function bootOf(system: RedfishResource): BootObject {
  const boot = system.Boot;
  if (!boot || typeof boot !== 'object' || Array.isArray(boot)) {
    throw new NodeError('unsupported', 'this BMC has no boot override (its System has no Boot object)');
  }
  return boot as BootObject;
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

/** The BMC's Boot object as xCAT shows it. */
export function bootSettingOf(boot: BootObject): BootSetting {
  const target = typeof boot.BootSourceOverrideTarget === 'string' ? boot.BootSourceOverrideTarget : '';
  const enabled = typeof boot.BootSourceOverrideEnabled === 'string' ? boot.BootSourceOverrideEnabled : '';
  const setting: BootSetting = { display: INACTIVE, raw: target || 'None', device: 'default' };
  if (typeof boot.BootSourceOverrideMode === 'string') setting.mode = boot.BootSourceOverrideMode;
  if (enabled === 'Disabled' || target === 'None' || target === '') return setting;
  setting.display = DISPLAY[target] ?? target;
  const device = (Object.keys(REDFISH_TARGETS) as BootDevice[]).find((d) => REDFISH_TARGETS[d] === target);
  if (device) setting.device = device;
  else delete setting.device;
  if (enabled === 'Continuous' || enabled === 'Once') setting.persistent = enabled === 'Continuous';
  return setting;
}

class RedfishBootExecutor implements BootExecutor {
  readonly capability = 'boot' as const;
  readonly flavor = 'redfish';

  async getBoot(_args: undefined, ctx: NodeContext): Promise<BootSetting> {
    const client = await redfishClient(ctx);
    return bootSettingOf(bootOf(await client.system()));
  }

  async setBoot(args: BootSetArgs, ctx: NodeContext): Promise<void> {
    const client = await redfishClient(ctx);
    const system = await client.system();
    const patch = overridePatch(args, bootOf(system));
    await patchBoot(client, system, patch, ctx);
  }
}

/** The `Boot` body for a request, checked against what this BMC allows. Exported for tests. */
export function overridePatch(args: BootSetArgs, boot: BootObject): Record<string, string> {
  const target = REDFISH_TARGETS[args.device];
  const enabled = args.device === 'default' ? 'Disabled' : args.persistent ? 'Continuous' : 'Once';
  const body: Record<string, string> = { BootSourceOverrideEnabled: enabled };

  const targets =
    strings(boot['BootSourceOverrideTarget@Redfish.AllowableValues']) ??
    strings(boot.BootSourceOverrideSupported);
  if (!targets || targets.includes(target)) {
    body.BootSourceOverrideTarget = target;
  } else if (args.device !== 'default') {
    // Disabling works without naming a target; anything else must be a target this BMC lists.
    throw new NodeError(
      'unsupported',
      `Unsupported option: ${args.device} (BootSourceOverrideTarget ${target} is not allowed by this BMC; it allows: ${targets.join(', ')})`,
    );
  }

  const enables = strings(boot['BootSourceOverrideEnabled@Redfish.AllowableValues']);
  if (enables && !enables.includes(enabled)) {
    const what =
      enabled === 'Continuous'
        ? 'a persistent boot override (-p, Continuous)'
        : `BootSourceOverrideEnabled ${enabled}`;
    throw new NodeError('unsupported', `this BMC does not allow ${what}; it allows: ${enables.join(', ')}`);
  }

  if (args.uefi) {
    const modes = strings(boot['BootSourceOverrideMode@Redfish.AllowableValues']);
    if (modes ? !modes.includes('UEFI') : boot.BootSourceOverrideMode === undefined) {
      throw new NodeError(
        'unsupported',
        `-u: this BMC does not allow BootSourceOverrideMode UEFI${modes ? `; it allows: ${modes.join(', ')}` : ' (no BootSourceOverrideMode)'}`,
      );
    }
    body.BootSourceOverrideMode = 'UEFI';
  }
  return body;
}

async function patchBoot(
  client: RedfishClient,
  system: RedfishResource,
  patch: Record<string, string>,
  ctx: NodeContext,
): Promise<void> {
  const uri = system['@odata.id'];
  if (!uri) throw new NodeError('protocol', 'Received wrong format response: the System has no @odata.id');
  const etag = typeof system['@odata.etag'] === 'string' ? system['@odata.etag'] : undefined;
  try {
    await client.patch(uri, { Boot: patch }, etag ? { etag } : {});
    return;
  } catch (e) {
    const retry = secondAttempt(e, system, patch);
    if (!retry) throw e;
    ctx.services.debug?.(ctx.node.name, `boot override: ${retry.why}; trying again`);
    await client.patch(retry.uri, { Boot: retry.patch });
  }
}

/**
 * After a refused PATCH, the one other way worth trying, if any:
 *  - the BMC requires BootSourceOverrideMode: send the current mode back unchanged;
 *  - the BMC wants the change on its settings object (`@Redfish.Settings`, e.g. AMI's `/Systems/Self/SD`).
 */
function secondAttempt(
  e: unknown,
  system: RedfishResource,
  patch: Record<string, string>,
): { uri: string; patch: Record<string, string>; why: string } | undefined {
  if (!isNodeError(e) || e.status === undefined || e.status < 400 || e.status >= 500) return undefined;
  const uri = system['@odata.id']!;
  const mode = (system.Boot as BootObject).BootSourceOverrideMode;
  if (
    /BootSourceOverrideMode/.test(e.message) &&
    patch.BootSourceOverrideMode === undefined &&
    typeof mode === 'string'
  ) {
    return {
      uri,
      patch: { ...patch, BootSourceOverrideMode: mode },
      why: `the BMC requires BootSourceOverrideMode (sending its current ${mode})`,
    };
  }
  const settings = system['@Redfish.Settings'] as { SettingsObject?: { '@odata.id'?: unknown } } | undefined;
  const settingsUri = settings?.SettingsObject?.['@odata.id'];
  if (typeof settingsUri === 'string' && settingsUri !== uri && /FutureState|Settings/i.test(e.message)) {
    return { uri: settingsUri, patch, why: `the BMC takes the change on its settings object ${settingsUri}` };
  }
  return undefined;
}

const executor: BootExecutor = new RedfishBootExecutor();
export default executor;
