/**
 * Boot override primitives for Redfish BMCs: `Boot.BootSourceOverride{Target,Enabled,Mode}` on the System.
 *
 * What this does on every BMC (docs/commands/rsetboot.md, reference redfish.md "Boot override"):
 *  - a System whose Boot has no BootSourceOverrideTarget/Enabled (only BootOrder, say) does not advertise
 *    an override: `unsupported`, for stat as for a set (a System without Boot at all, Cray EX, likewise);
 *  - the target (and Once/Continuous, and the mode) is checked against the BMC's AllowableValues first, so
 *    a refusal names what this BMC allows instead of a 400 from the BMC;
 *  - BootSourceOverrideMode is sent only with -u, and not when it already reads UEFI.
 * Vendor departures are quirks (quirks.ts), asked for here: `boot-mode-read-only` (HPE),
 * `boot-mode-required` (Supermicro, or a refusal naming the mode), `boot-settings-object` (AMI), and
 * `etag-if-match-required` (Dell, Lenovo) through ifMatchFor.
 */
import { NodeError, isNodeError } from '../../core/errors.js';
import type { NodeContext } from '../../engine/executor.js';
import { redfishClient, type RedfishClient, type RedfishResource } from '../../bmc/index.js';
import type { BootDevice, BootExecutor, BootSetArgs, BootSetting } from '../../managers/boot.js';
import { ifMatchFor, redfishQuirks, settingsUri, type NodeQuirks } from './quirks.js';

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

/** The System's Boot object, if it advertises a boot override; else `unsupported`, saying why. */
function bootOf(system: RedfishResource): BootObject {
  const boot = system.Boot;
  if (!boot || typeof boot !== 'object' || Array.isArray(boot)) {
    throw new NodeError('unsupported', 'this BMC has no boot override (its System has no Boot object)');
  }
  const b = boot as BootObject;
  if (!('BootSourceOverrideTarget' in b) && !('BootSourceOverrideEnabled' in b)) {
    const has = Object.keys(b).filter((k) => !k.includes('@'));
    throw new NodeError(
      'unsupported',
      `this BMC does not advertise a boot override (its System's Boot has no BootSourceOverrideTarget or BootSourceOverrideEnabled${has.length > 0 ? `, only ${has.join(', ')}` : ''})`,
    );
  }
  return b;
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
    redfishQuirks(ctx);
    return bootSettingOf(bootOf(await client.system()));
  }

  async setBoot(args: BootSetArgs, ctx: NodeContext): Promise<void> {
    const client = await redfishClient(ctx);
    const quirks = redfishQuirks(ctx);
    const system = await client.system();
    const boot = bootOf(system);
    const patch = overridePatch(args, boot);
    await applyModeQuirks(args, boot, patch, quirks);
    await patchBoot(client, system, patch, quirks, ctx);
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
    // A mode that already reads UEFI is not sent: nothing to change, and a BMC that keeps the mode
    // read-only refuses even an equal value (HPE iLO, community.general#3509).
    if (boot.BootSourceOverrideMode !== 'UEFI') body.BootSourceOverrideMode = 'UEFI';
  }
  return body;
}

/** What the mode quirks change in `patch` (in place), or an `unsupported` before anything is sent. */
async function applyModeQuirks(
  args: BootSetArgs,
  boot: BootObject,
  patch: Record<string, string>,
  quirks: NodeQuirks,
): Promise<void> {
  const current = typeof boot.BootSourceOverrideMode === 'string' ? boot.BootSourceOverrideMode : undefined;
  if (await quirks.has('boot-mode-read-only')) {
    if (patch.BootSourceOverrideMode !== undefined) {
      throw new NodeError(
        'unsupported',
        `-u: this BMC's BootSourceOverrideMode is read-only and reads ${current ?? 'nothing'} (set UEFI mode in its BIOS settings)`,
      );
    }
    return;
  }
  if (patch.BootSourceOverrideMode === undefined && current && (await quirks.has('boot-mode-required')))
    patch.BootSourceOverrideMode = args.uefi ? 'UEFI' : current;
}

async function patchBoot(
  client: RedfishClient,
  system: RedfishResource,
  patch: Record<string, string>,
  quirks: NodeQuirks,
  ctx: NodeContext,
): Promise<void> {
  const systemUri = system['@odata.id'];
  if (!systemUri)
    throw new NodeError('protocol', 'Received wrong format response: the System has no @odata.id');
  const settings = settingsUri(system);
  // AMI: the change goes to the settings object from the start (the System refuses it).
  const uri = settings && (await quirks.has('boot-settings-object')) ? settings : systemUri;
  try {
    await client.patch(
      uri,
      { Boot: patch },
      await ifMatchFor(uri === systemUri ? system : undefined, quirks),
    );
    return;
  } catch (e) {
    const retry = await secondAttempt(e, system, uri, patch, quirks);
    if (!retry) throw e;
    ctx.services.debug?.(ctx.node.name, `boot override: ${retry.why}; trying again`);
    await client.patch(retry.uri, { Boot: retry.patch }, await ifMatchFor(undefined, quirks));
  }
}

/**
 * After a refused PATCH, the one other way worth trying, if a quirk says so:
 *  - `boot-mode-required`: the BMC requires BootSourceOverrideMode: send the current mode back unchanged;
 *  - `boot-settings-object`: the BMC wants the change on its settings object (AMI's `/Systems/Self/SD`).
 */
async function secondAttempt(
  e: unknown,
  system: RedfishResource,
  triedUri: string,
  patch: Record<string, string>,
  quirks: NodeQuirks,
): Promise<{ uri: string; patch: Record<string, string>; why: string } | undefined> {
  if (!isNodeError(e) || e.status === undefined || e.status < 400 || e.status >= 500) return undefined;
  const mode = (system.Boot as BootObject).BootSourceOverrideMode;
  if (
    patch.BootSourceOverrideMode === undefined &&
    typeof mode === 'string' &&
    (await quirks.has('boot-mode-required', { refusal: e.message }))
  ) {
    return {
      uri: triedUri,
      patch: { ...patch, BootSourceOverrideMode: mode },
      why: `the BMC requires BootSourceOverrideMode (sending its current ${mode})`,
    };
  }
  const settings = settingsUri(system);
  if (
    settings &&
    settings !== triedUri &&
    (await quirks.has('boot-settings-object', { system, refusal: e.message }))
  )
    return { uri: settings, patch, why: `the BMC takes the change on its settings object ${settings}` };
  return undefined;
}

const executor: BootExecutor = new RedfishBootExecutor();
export default executor;
