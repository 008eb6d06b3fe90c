/**
 * Power primitives for OpenBMC REST (phosphor-state-manager objects under /xyz/openbmc_project/state),
 * with xCAT's calls and state words (reference xcat-openbmc.md §2.2):
 *  - on: host RequestedHostTransition On; off: chassis RequestedPowerTransition Off (hard);
 *    softoff: host RequestedHostTransition Off (the OS shuts down);
 *  - no restart primitive: the manager does off, wait until off, on — as xCAT does for reset and boot;
 *  - BMC: CurrentBMCState, and RequestedBMCTransition Reboot.
 */
import { NodeError } from '../../core/errors.js';
import type { NodeContext } from '../../engine/executor.js';
import { openbmcClient, type OpenBmcClient } from '../../bmc/index.js';
import type {
  BmcStatus,
  PowerAction,
  PowerExecutor,
  PowerStatus,
  PowerTarget,
} from '../../managers/power.js';

const STATE = '/xyz/openbmc_project/state';
const HOST = `${STATE}/host0`;
const CHASSIS = `${STATE}/chassis0`;
const BMC = `${STATE}/bmc0`;

interface Transition {
  path: string;
  value: string;
  sent: string;
}

const TRANSITIONS: Record<PowerTarget, Transition> = {
  on: {
    path: `${HOST}/attr/RequestedHostTransition`,
    value: 'xyz.openbmc_project.State.Host.Transition.On',
    sent: 'host On',
  },
  off: {
    path: `${CHASSIS}/attr/RequestedPowerTransition`,
    value: 'xyz.openbmc_project.State.Chassis.Transition.Off',
    sent: 'chassis Off',
  },
  softoff: {
    path: `${HOST}/attr/RequestedHostTransition`,
    value: 'xyz.openbmc_project.State.Host.Transition.Off',
    sent: 'host Off',
  },
};

/** D-Bus enum values are full names; xCAT shows the last dotted component. */
export function lastComponent(v: unknown): string {
  return typeof v === 'string' ? (v.split('.').pop() ?? v) : String(v);
}

type Props = Record<string, unknown>;

function objectOf(data: unknown, path: string, what: string): Props {
  const obj = data && typeof data === 'object' ? (data as Record<string, unknown>)[path] : undefined;
  if (!obj || typeof obj !== 'object') {
    throw new NodeError('protocol', `Received wrong format response: ${what} has no ${path}`);
  }
  return obj as Props;
}

/**
 * Chassis + host states as xCAT prints them. The transitional host states of phosphor-state-manager
 * (xCAT printed `Unexpected host state=...` for them) are shown as `powering-on` / `powering-off`.
 */
export function openbmcPowerStatus(chassisState: string, hostState: string): PowerStatus {
  if (chassisState === 'Off') return { phase: 'off', display: 'off' };
  if (chassisState !== 'On') return { phase: 'other', display: `Unexpected chassis state=${chassisState}` };
  switch (hostState) {
    case 'Running':
      return { phase: 'on', display: 'on' };
    case 'Off':
      return { phase: 'partial', display: 'on (Chassis)' };
    case 'Quiesced':
      return { phase: 'other', display: 'quiesced' };
    case 'TransitioningToRunning':
      return { phase: 'powering-on', display: 'powering-on' };
    case 'TransitioningToOff':
      return { phase: 'powering-off', display: 'powering-off' };
    default:
      return { phase: 'other', display: `Unexpected host state=${hostState}` };
  }
}

class OpenBmcPowerExecutor implements PowerExecutor {
  readonly capability = 'power' as const;
  readonly flavor = 'openbmc';

  async getState(_args: undefined, ctx: NodeContext): Promise<PowerStatus> {
    const client = await openbmcClient(ctx);
    const data = await client.get(`${STATE}/enumerate`);
    const chassis = objectOf(data, CHASSIS, 'state/enumerate');
    const host = objectOf(data, HOST, 'state/enumerate');
    return openbmcPowerStatus(lastComponent(chassis.CurrentPowerState), lastComponent(host.CurrentHostState));
  }

  async setState(args: { target: PowerTarget }, ctx: NodeContext): Promise<PowerAction> {
    const client = await openbmcClient(ctx);
    const t = TRANSITIONS[args.target];
    await client.put(t.path, t.value);
    return { sent: t.sent };
  }

  async getBmcState(_args: undefined, ctx: NodeContext): Promise<BmcStatus> {
    const client = await openbmcClient(ctx);
    const state = lastComponent(await client.get(`${BMC}/attr/CurrentBMCState`));
    return state === 'Ready'
      ? { ready: true, display: 'BMC Ready' }
      : { ready: false, display: 'BMC NotReady' };
  }

  async rebootBmc(_args: undefined, ctx: NodeContext): Promise<PowerAction> {
    const client = await openbmcClient(ctx);
    await purgeDumpsIfFirmwarePending(client, ctx);
    await client.put(`${BMC}/attr/RequestedBMCTransition`, 'xyz.openbmc_project.State.BMC.Transition.Reboot');
    return { sent: 'BMC Reboot' };
  }
}

const SOFTWARE = '/xyz/openbmc_project/software';

/**
 * xCAT: when a firmware image waits to be activated at the next BMC boot (Priority 0, not functional),
 * the BMC's diagnostic dumps are deleted first, because flashing on reboot loses room for them. Best
 * effort: a BMC without these objects is rebooted all the same.
 */
async function purgeDumpsIfFirmwarePending(client: OpenBmcClient, ctx: NodeContext): Promise<void> {
  try {
    const software = (await client.get(`${SOFTWARE}/enumerate`)) as Record<string, Props> | undefined;
    if (!software || typeof software !== 'object') return;
    const functional = new Set(strings(software[`${SOFTWARE}/functional`]?.endpoints));
    const pending = Object.entries(software).some(
      ([path, img]) =>
        img && typeof img === 'object' && img.Priority === 0 && 'Version' in img && !functional.has(path),
    );
    if (!pending) return;
    ctx.services.warn(
      `${ctx.node.name}: Firmware will be flashed on reboot, deleting all BMC diagnostics...`,
    );
    await client.post('/xyz/openbmc_project/dump/action/DeleteAll', []);
  } catch (e) {
    ctx.services.debug?.(
      ctx.node.name,
      `firmware/dump check before BMC reboot skipped: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

const executor: PowerExecutor = new OpenBmcPowerExecutor();
export default executor;
